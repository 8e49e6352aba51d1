"""Contains all the data models used in inputs/outputs"""

from .accepted import Accepted
from .account_security import AccountSecurity
from .actor import Actor
from .adoption import Adoption
from .adoption_query import AdoptionQuery
from .api_key import ApiKey
from .api_key_list import ApiKeyList
from .api_key_list_query import ApiKeyListQuery
from .api_key_reply import ApiKeyReply
from .attribute_mapping import AttributeMapping
from .attribute_mapping_profile_fields import AttributeMappingProfileFields
from .attribute_mapping_view import AttributeMappingView
from .attribute_mapping_view_profile_fields import AttributeMappingViewProfileFields
from .audit_entry import AuditEntry
from .audit_entry_details_type_0 import AuditEntryDetailsType0
from .audit_entry_list import AuditEntryList
from .audit_export import AuditExport
from .audit_export_filter import AuditExportFilter
from .audit_export_format import AuditExportFormat
from .audit_export_list import AuditExportList
from .audit_export_shown_filter import AuditExportShownFilter
from .audit_export_state import AuditExportState
from .audit_search_query import AuditSearchQuery
from .avatar_upload import AvatarUpload
from .billing_profile import BillingProfile
from .billing_profile_change import BillingProfileChange
from .bulk_change import BulkChange
from .bulk_change_action import BulkChangeAction
from .bulk_results import BulkResults
from .checkpoint import Checkpoint
from .checkpoint_key import CheckpointKey
from .checkpoint_key_set import CheckpointKeySet
from .checkpoint_list import CheckpointList
from .cleared_scim_dry_run_changes import ClearedScimDryRunChanges
from .created_api_key import CreatedApiKey
from .created_log_stream import CreatedLogStream
from .created_scim_token import CreatedScimToken
from .created_service_account import CreatedServiceAccount
from .credential import Credential
from .credit_note import CreditNote
from .credit_note_list import CreditNoteList
from .credit_note_reply import CreditNoteReply
from .credit_note_request import CreditNoteRequest
from .daily_active import DailyActive
from .daily_usage import DailyUsage
from .daily_usage_list import DailyUsageList
from .dashboard import Dashboard
from .deletion_reply import DeletionReply
from .deletion_request import DeletionRequest
from .deletion_state import DeletionState
from .export_members_format import ExportMembersFormat
from .export_query import ExportQuery
from .export_query_format import ExportQueryFormat
from .exported_group import ExportedGroup
from .exported_member import ExportedMember
from .group import Group
from .group_activity import GroupActivity
from .group_activity_list import GroupActivityList
from .group_changes import GroupChanges
from .group_kind import GroupKind
from .group_list import GroupList
from .group_list_query import GroupListQuery
from .group_list_query_kind_type_0 import GroupListQueryKindType0
from .group_mapping import GroupMapping
from .group_mapping_view import GroupMappingView
from .group_member import GroupMember
from .group_member_list import GroupMemberList
from .group_members_addition import GroupMembersAddition
from .group_members_query import GroupMembersQuery
from .group_members_removal import GroupMembersRemoval
from .group_reply import GroupReply
from .held_scim_change import HeldScimChange
from .held_scim_change_action import HeldScimChangeAction
from .held_scim_change_list import HeldScimChangeList
from .idp_certificate import IdpCertificate
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
from .log_stream import LogStream
from .log_stream_change import LogStreamChange
from .log_stream_format import LogStreamFormat
from .log_stream_list import LogStreamList
from .log_stream_status import LogStreamStatus
from .me import Me
from .member import Member
from .member_activity import MemberActivity
from .member_activity_list import MemberActivityList
from .member_avatar import MemberAvatar
from .member_counts import MemberCounts
from .member_groups_addition import MemberGroupsAddition
from .member_list import MemberList
from .member_list_query import MemberListQuery
from .member_list_query_order_by_type_0 import MemberListQueryOrderByType0
from .member_list_query_status_type_0 import MemberListQueryStatusType0
from .member_outcome import MemberOutcome
from .member_profile import MemberProfile
from .member_rename import MemberRename
from .member_reply import MemberReply
from .membership_error import MembershipError
from .membership_outcome import MembershipOutcome
from .membership_results import MembershipResults
from .metadata_import import MetadataImport
from .metadata_refresh import MetadataRefresh
from .metric_total import MetricTotal
from .module import Module
from .module_list import ModuleList
from .module_reply import ModuleReply
from .module_switch import ModuleSwitch
from .money import Money
from .new_audit_export import NewAuditExport
from .new_audit_export_format import NewAuditExportFormat
from .new_domain import NewDomain
from .new_group import NewGroup
from .new_group_kind import NewGroupKind
from .new_idp_certificate import NewIdpCertificate
from .new_log_stream import NewLogStream
from .new_log_stream_format import NewLogStreamFormat
from .new_scim_token import NewScimToken
from .new_sso_connection import NewSsoConnection
from .new_sso_connection_preset import NewSsoConnectionPreset
from .new_sso_connection_protocol import NewSsoConnectionProtocol
from .next_payment import NextPayment
from .oidc_settings import OidcSettings
from .oidc_settings_changes import OidcSettingsChanges
from .oidc_settings_input import OidcSettingsInput
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
from .period_query import PeriodQuery
from .plan import Plan
from .plan_change import PlanChange
from .plan_change_preview import PlanChangePreview
from .plan_choice import PlanChoice
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
from .retention import Retention
from .retention_change import RetentionChange
from .revoked_sessions import RevokedSessions
from .role import Role
from .role_change import RoleChange
from .role_definition import RoleDefinition
from .role_list import RoleList
from .role_reply import RoleReply
from .rotated_log_stream_secret import RotatedLogStreamSecret
from .rotated_scim_token import RotatedScimToken
from .saml_settings import SamlSettings
from .saml_settings_changes import SamlSettingsChanges
from .saml_settings_input import SamlSettingsInput
from .scim_dry_run_change import ScimDryRunChange
from .scim_dry_run_change_kind import ScimDryRunChangeKind
from .scim_dry_run_change_list import ScimDryRunChangeList
from .scim_hold_policy import ScimHoldPolicy
from .scim_hold_policy_reply import ScimHoldPolicyReply
from .scim_provisioning_settings import ScimProvisioningSettings
from .scim_provisioning_settings_reply import ScimProvisioningSettingsReply
from .scim_token import ScimToken
from .scim_token_list import ScimTokenList
from .scim_token_list_query import ScimTokenListQuery
from .scim_token_reply import ScimTokenReply
from .scim_token_rotation import ScimTokenRotation
from .seat_change import SeatChange
from .seat_change_preview import SeatChangePreview
from .seat_difference import SeatDifference
from .seat_purchase import SeatPurchase
from .seat_usage import SeatUsage
from .second_factor import SecondFactor
from .secret_rotation import SecretRotation
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
from .sp_certificate import SpCertificate
from .sp_key import SpKey
from .sso_connection import SsoConnection
from .sso_connection_changes import SsoConnectionChanges
from .sso_connection_list import SsoConnectionList
from .sso_connection_protocol import SsoConnectionProtocol
from .sso_connection_reply import SsoConnectionReply
from .sso_domain import SsoDomain
from .sso_domain_list import SsoDomainList
from .sso_domain_reply import SsoDomainReply
from .sso_domain_state import SsoDomainState
from .sso_policy import SsoPolicy
from .sso_policy_changes import SsoPolicyChanges
from .sso_policy_reply import SsoPolicyReply
from .subscription import Subscription
from .subscription_change import SubscriptionChange
from .subscription_reply import SubscriptionReply
from .subscription_status import SubscriptionStatus
from .totp_code import TotpCode
from .totp_enrollment import TotpEnrollment
from .usage_event import UsageEvent
from .usage_query import UsageQuery
from .usage_report import UsageReport
from .usage_report_result import UsageReportResult

__all__ = (
    "Accepted",
    "AccountSecurity",
    "Actor",
    "Adoption",
    "AdoptionQuery",
    "ApiKey",
    "ApiKeyList",
    "ApiKeyListQuery",
    "ApiKeyReply",
    "AttributeMapping",
    "AttributeMappingProfileFields",
    "AttributeMappingView",
    "AttributeMappingViewProfileFields",
    "AuditEntry",
    "AuditEntryDetailsType0",
    "AuditEntryList",
    "AuditExport",
    "AuditExportFilter",
    "AuditExportFormat",
    "AuditExportList",
    "AuditExportShownFilter",
    "AuditExportState",
    "AuditSearchQuery",
    "AvatarUpload",
    "BillingProfile",
    "BillingProfileChange",
    "BulkChange",
    "BulkChangeAction",
    "BulkResults",
    "Checkpoint",
    "CheckpointKey",
    "CheckpointKeySet",
    "CheckpointList",
    "ClearedScimDryRunChanges",
    "CreatedApiKey",
    "CreatedLogStream",
    "CreatedScimToken",
    "CreatedServiceAccount",
    "Credential",
    "CreditNote",
    "CreditNoteList",
    "CreditNoteReply",
    "CreditNoteRequest",
    "DailyActive",
    "DailyUsage",
    "DailyUsageList",
    "Dashboard",
    "DeletionReply",
    "DeletionRequest",
    "DeletionState",
    "ExportedGroup",
    "ExportedMember",
    "ExportMembersFormat",
    "ExportQuery",
    "ExportQueryFormat",
    "Group",
    "GroupActivity",
    "GroupActivityList",
    "GroupChanges",
    "GroupKind",
    "GroupList",
    "GroupListQuery",
    "GroupListQueryKindType0",
    "GroupMapping",
    "GroupMappingView",
    "GroupMember",
    "GroupMemberList",
    "GroupMembersAddition",
    "GroupMembersQuery",
    "GroupMembersRemoval",
    "GroupReply",
    "HeldScimChange",
    "HeldScimChangeAction",
    "HeldScimChangeList",
    "IdpCertificate",
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
    "LogStream",
    "LogStreamChange",
    "LogStreamFormat",
    "LogStreamList",
    "LogStreamStatus",
    "Me",
    "Member",
    "MemberActivity",
    "MemberActivityList",
    "MemberAvatar",
    "MemberCounts",
    "MemberGroupsAddition",
    "MemberList",
    "MemberListQuery",
    "MemberListQueryOrderByType0",
    "MemberListQueryStatusType0",
    "MemberOutcome",
    "MemberProfile",
    "MemberRename",
    "MemberReply",
    "MembershipError",
    "MembershipOutcome",
    "MembershipResults",
    "MetadataImport",
    "MetadataRefresh",
    "MetricTotal",
    "Module",
    "ModuleList",
    "ModuleReply",
    "ModuleSwitch",
    "Money",
    "NewAuditExport",
    "NewAuditExportFormat",
    "NewDomain",
    "NewGroup",
    "NewGroupKind",
    "NewIdpCertificate",
    "NewLogStream",
    "NewLogStreamFormat",
    "NewScimToken",
    "NewSsoConnection",
    "NewSsoConnectionPreset",
    "NewSsoConnectionProtocol",
    "NextPayment",
    "OidcSettings",
    "OidcSettingsChanges",
    "OidcSettingsInput",
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
    "PeriodQuery",
    "Plan",
    "PlanChange",
    "PlanChangePreview",
    "PlanChoice",
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
    "Retention",
    "RetentionChange",
    "RevokedSessions",
    "Role",
    "RoleChange",
    "RoleDefinition",
    "RoleList",
    "RoleReply",
    "RotatedLogStreamSecret",
    "RotatedScimToken",
    "SamlSettings",
    "SamlSettingsChanges",
    "SamlSettingsInput",
    "ScimDryRunChange",
    "ScimDryRunChangeKind",
    "ScimDryRunChangeList",
    "ScimHoldPolicy",
    "ScimHoldPolicyReply",
    "ScimProvisioningSettings",
    "ScimProvisioningSettingsReply",
    "ScimToken",
    "ScimTokenList",
    "ScimTokenListQuery",
    "ScimTokenReply",
    "ScimTokenRotation",
    "SeatChange",
    "SeatChangePreview",
    "SeatDifference",
    "SeatPurchase",
    "SeatUsage",
    "SecondFactor",
    "SecretRotation",
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
    "SpCertificate",
    "SpKey",
    "SsoConnection",
    "SsoConnectionChanges",
    "SsoConnectionList",
    "SsoConnectionProtocol",
    "SsoConnectionReply",
    "SsoDomain",
    "SsoDomainList",
    "SsoDomainReply",
    "SsoDomainState",
    "SsoPolicy",
    "SsoPolicyChanges",
    "SsoPolicyReply",
    "Subscription",
    "SubscriptionChange",
    "SubscriptionReply",
    "SubscriptionStatus",
    "TotpCode",
    "TotpEnrollment",
    "UsageEvent",
    "UsageQuery",
    "UsageReport",
    "UsageReportResult",
)
