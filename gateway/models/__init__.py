"""The REST API's request and response bodies and query parameters, as pydantic models: the same classes
validate what comes in, shape what goes out, and make the OpenAPI document's schemas."""
