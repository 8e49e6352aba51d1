"""SCIM 2.0 (RFC 7643/7644) at /scim/v2: identity providers provision an organization with a SCIM token.
Thin: the resources' rules live in membership's ProvisioningService, tokens in identity's ScimTokenService."""
