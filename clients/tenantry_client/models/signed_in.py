from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.session import Session


T = TypeVar("T", bound="SignedIn")


@_attrs_define
class SignedIn:
    """A session (its cookies are set), or the request for a second factor.

    Attributes:
        csrf_token (None | str | Unset): echo it in X-CSRF-Token on changes
        mfa_challenge_token (None | str | Unset): send it to /v1/sessions/mfa
        mfa_required (bool | Unset):  Default: False.
        session (None | Session | Unset): absent while a second factor is required
    """

    csrf_token: None | str | Unset = UNSET
    mfa_challenge_token: None | str | Unset = UNSET
    mfa_required: bool | Unset = False
    session: None | Session | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.session import Session  # noqa: PLC0415

        csrf_token: None | str | Unset
        if isinstance(self.csrf_token, Unset):
            csrf_token = UNSET
        else:
            csrf_token = self.csrf_token

        mfa_challenge_token: None | str | Unset
        if isinstance(self.mfa_challenge_token, Unset):
            mfa_challenge_token = UNSET
        else:
            mfa_challenge_token = self.mfa_challenge_token

        mfa_required = self.mfa_required

        session: dict[str, Any] | None | Unset
        if isinstance(self.session, Unset):
            session = UNSET
        elif isinstance(self.session, Session):
            session = self.session.to_dict()
        else:
            session = self.session

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if csrf_token is not UNSET:
            field_dict["csrf_token"] = csrf_token
        if mfa_challenge_token is not UNSET:
            field_dict["mfa_challenge_token"] = mfa_challenge_token
        if mfa_required is not UNSET:
            field_dict["mfa_required"] = mfa_required
        if session is not UNSET:
            field_dict["session"] = session

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.session import Session  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_csrf_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        csrf_token = _parse_csrf_token(d.pop("csrf_token", UNSET))

        def _parse_mfa_challenge_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mfa_challenge_token = _parse_mfa_challenge_token(d.pop("mfa_challenge_token", UNSET))

        mfa_required = d.pop("mfa_required", UNSET)

        def _parse_session(data: object) -> None | Session | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                session_type_0 = Session.from_dict(data)

                return session_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Session | Unset, data)

        session = _parse_session(d.pop("session", UNSET))

        signed_in = cls(
            csrf_token=csrf_token,
            mfa_challenge_token=mfa_challenge_token,
            mfa_required=mfa_required,
            session=session,
        )

        return signed_in
