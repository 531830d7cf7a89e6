"""Request and response schemas: validation at the edge, and the OpenAPI document. One module per
resource (`masterdata`, `events`, `tracing`, `epcis`); the fields and base schemas they share in
`common`."""
