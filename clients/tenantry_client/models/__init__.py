"""Contains all the data models used in inputs/outputs"""

from .accepted import Accepted
from .account_security import AccountSecurity
from .actor import Actor
from .api_key import ApiKey
from .api_key_list import ApiKeyList
from .api_key_list_query import ApiKeyListQuery
from .api_key_reply import ApiKeyReply
from .audit_entry import AuditEntry
from .audit_entry_details_type_0 import AuditEntryDetailsType0
from .audit_entry_list import AuditEntryList
from .audit_query import AuditQuery
from .billing_profile import BillingProfile
from .billing_profile_change import BillingProfileChange
from .bulk_change import BulkChange
from .bulk_change_action import BulkChangeAction
from .bulk_results import BulkResults
from .created_api_key import CreatedApiKey
from .created_service_account import CreatedServiceAccount
from .credential import Credential
from .credit_note import CreditNote
from .credit_note_list import CreditNoteList
from .credit_note_reply import CreditNoteReply
from .credit_note_request import CreditNoteRequest
from .dashboard import Dashboard
from .export_members_format import ExportMembersFormat
from .export_query import ExportQuery
from .export_query_format import ExportQueryFormat
from .exported_group import ExportedGroup
from .exported_member import ExportedMember
from .group import Group
from .group_changes import GroupChanges
from .group_kind import GroupKind
from .group_list import GroupList
from .group_list_query import GroupListQuery
from .group_list_query_kind_type_0 import GroupListQueryKindType0
from .group_member import GroupMember
from .group_member_list import GroupMemberList
from .group_members_addition import GroupMembersAddition
from .group_members_query import GroupMembersQuery
from .group_members_removal import GroupMembersRemoval
from .group_reply import GroupReply
from .import_report import ImportReport
from .import_row import ImportRow
from .invitation import Invitation
from .invitation_import import InvitationImport
from .invitation_outcome import InvitationOutcome
from .invitation_results import InvitationResults
from .invitee import Invitee
from .invoice import Invoice
from .invoice_line import InvoiceLine
from .invoice_list import InvoiceList
from .invoice_list_query import InvoiceListQuery
from .invoice_list_query_status_type_0 import InvoiceListQueryStatusType0
from .list_groups_kind import ListGroupsKind
from .list_invoices_status import ListInvoicesStatus
from .list_members_order_by import ListMembersOrderBy
from .list_members_status import ListMembersStatus
from .me import Me
from .member import Member
from .member_counts import MemberCounts
from .member_groups_addition import MemberGroupsAddition
from .member_list import MemberList
from .member_list_query import MemberListQuery
from .member_list_query_order_by_type_0 import MemberListQueryOrderByType0
from .member_list_query_status_type_0 import MemberListQueryStatusType0
from .member_outcome import MemberOutcome
from .member_profile import MemberProfile
from .member_reply import MemberReply
from .membership_error import MembershipError
from .membership_outcome import MembershipOutcome
from .membership_results import MembershipResults
from .money import Money
from .new_group import NewGroup
from .new_group_kind import NewGroupKind
from .next_payment import NextPayment
from .organization import Organization
from .organization_changes import OrganizationChanges
from .organization_changes_group_creation_policy_type_0 import OrganizationChangesGroupCreationPolicyType0
from .organization_export import OrganizationExport
from .organization_reply import OrganizationReply
from .outcome import Outcome
from .page_query import PageQuery
from .password_change import PasswordChange
from .password_changed import PasswordChanged
from .password_confirmation import PasswordConfirmation
from .password_reset import PasswordReset
from .password_reset_request import PasswordResetRequest
from .payment import Payment
from .payment_list import PaymentList
from .payment_method import PaymentMethod
from .payment_method_change import PaymentMethodChange
from .payment_method_change_kind import PaymentMethodChangeKind
from .payment_record import PaymentRecord
from .plan import Plan
from .plan_change import PlanChange
from .plan_list import PlanList
from .principal import Principal
from .problem import Problem
from .problem_errors_item import ProblemErrorsItem
from .profile_field import ProfileField
from .profile_field_definition import ProfileFieldDefinition
from .profile_field_definition_type import ProfileFieldDefinitionType
from .profile_field_list import ProfileFieldList
from .profile_field_reply import ProfileFieldReply
from .profile_values import ProfileValues
from .profile_values_values import ProfileValuesValues
from .reauthentication import Reauthentication
from .reconciliation import Reconciliation
from .recorded_payment import RecordedPayment
from .recovery_codes import RecoveryCodes
from .resent_invitation import ResentInvitation
from .reset_sent import ResetSent
from .revoked_sessions import RevokedSessions
from .role import Role
from .role_change import RoleChange
from .role_definition import RoleDefinition
from .role_list import RoleList
from .role_reply import RoleReply
from .seat_change import SeatChange
from .seat_difference import SeatDifference
from .seat_usage import SeatUsage
from .second_factor import SecondFactor
from .security_policy import SecurityPolicy
from .security_policy_changes import SecurityPolicyChanges
from .security_policy_changes_mfa_required_type_0 import SecurityPolicyChangesMfaRequiredType0
from .security_policy_reply import SecurityPolicyReply
from .session import Session
from .session_list import SessionList
from .session_list_query import SessionListQuery
from .sessions_revocation import SessionsRevocation
from .sign_in import SignIn
from .signed_in import SignedIn
from .subscription import Subscription
from .subscription_change import SubscriptionChange
from .subscription_reply import SubscriptionReply
from .subscription_status import SubscriptionStatus
from .totp_code import TotpCode
from .totp_enrollment import TotpEnrollment

__all__ = (
    "Accepted",
    "AccountSecurity",
    "Actor",
    "ApiKey",
    "ApiKeyList",
    "ApiKeyListQuery",
    "ApiKeyReply",
    "AuditEntry",
    "AuditEntryDetailsType0",
    "AuditEntryList",
    "AuditQuery",
    "BillingProfile",
    "BillingProfileChange",
    "BulkChange",
    "BulkChangeAction",
    "BulkResults",
    "CreatedApiKey",
    "CreatedServiceAccount",
    "Credential",
    "CreditNote",
    "CreditNoteList",
    "CreditNoteReply",
    "CreditNoteRequest",
    "Dashboard",
    "ExportedGroup",
    "ExportedMember",
    "ExportMembersFormat",
    "ExportQuery",
    "ExportQueryFormat",
    "Group",
    "GroupChanges",
    "GroupKind",
    "GroupList",
    "GroupListQuery",
    "GroupListQueryKindType0",
    "GroupMember",
    "GroupMemberList",
    "GroupMembersAddition",
    "GroupMembersQuery",
    "GroupMembersRemoval",
    "GroupReply",
    "ImportReport",
    "ImportRow",
    "Invitation",
    "InvitationImport",
    "InvitationOutcome",
    "InvitationResults",
    "Invitee",
    "Invoice",
    "InvoiceLine",
    "InvoiceList",
    "InvoiceListQuery",
    "InvoiceListQueryStatusType0",
    "ListGroupsKind",
    "ListInvoicesStatus",
    "ListMembersOrderBy",
    "ListMembersStatus",
    "Me",
    "Member",
    "MemberCounts",
    "MemberGroupsAddition",
    "MemberList",
    "MemberListQuery",
    "MemberListQueryOrderByType0",
    "MemberListQueryStatusType0",
    "MemberOutcome",
    "MemberProfile",
    "MemberReply",
    "MembershipError",
    "MembershipOutcome",
    "MembershipResults",
    "Money",
    "NewGroup",
    "NewGroupKind",
    "NextPayment",
    "Organization",
    "OrganizationChanges",
    "OrganizationChangesGroupCreationPolicyType0",
    "OrganizationExport",
    "OrganizationReply",
    "Outcome",
    "PageQuery",
    "PasswordChange",
    "PasswordChanged",
    "PasswordConfirmation",
    "PasswordReset",
    "PasswordResetRequest",
    "Payment",
    "PaymentList",
    "PaymentMethod",
    "PaymentMethodChange",
    "PaymentMethodChangeKind",
    "PaymentRecord",
    "Plan",
    "PlanChange",
    "PlanList",
    "Principal",
    "Problem",
    "ProblemErrorsItem",
    "ProfileField",
    "ProfileFieldDefinition",
    "ProfileFieldDefinitionType",
    "ProfileFieldList",
    "ProfileFieldReply",
    "ProfileValues",
    "ProfileValuesValues",
    "Reauthentication",
    "Reconciliation",
    "RecordedPayment",
    "RecoveryCodes",
    "ResentInvitation",
    "ResetSent",
    "RevokedSessions",
    "Role",
    "RoleChange",
    "RoleDefinition",
    "RoleList",
    "RoleReply",
    "SeatChange",
    "SeatDifference",
    "SeatUsage",
    "SecondFactor",
    "SecurityPolicy",
    "SecurityPolicyChanges",
    "SecurityPolicyChangesMfaRequiredType0",
    "SecurityPolicyReply",
    "Session",
    "SessionList",
    "SessionListQuery",
    "SessionsRevocation",
    "SignedIn",
    "SignIn",
    "Subscription",
    "SubscriptionChange",
    "SubscriptionReply",
    "SubscriptionStatus",
    "TotpCode",
    "TotpEnrollment",
)
