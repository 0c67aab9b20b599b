-- API tokens can be revoked (kept, with who and when, so the audit trail's names stay meaningful).
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_by TEXT;
