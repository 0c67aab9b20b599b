// HQ rotates the store's MQTT password over the store's own authenticated channel: a
// `rotate_credentials` command carrying the new secret. The edge writes it into
// store-edge.json (fsynced) before it uses it, then reconnects with it; that connect is the
// acknowledgement HQ waits for before it stops accepting the old password (docs/sync.md). A
// resent command for the password already in use is ignored.
import type { EdgeConfig } from "../config.ts";
import { saveConfig } from "../config.ts";
import type { HqLink } from "./hq-link.ts";

/** What HQ issues: 24 random bytes, base64url. Anything else is refused, not stored. */
const PASSWORD_RE = /^[A-Za-z0-9_-]{16,128}$/;

export class RotationError extends Error {
  override readonly name = "RotationError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export function applyRotation(o: {
  dataDir: string;
  config: EdgeConfig;
  args: Record<string, string | number | boolean>;
  link: HqLink | undefined;
  log: (msg: string) => void;
}): "rotated" | "already" {
  const enrollment = o.config.enrollment;
  if (!enrollment || !o.link) throw new RotationError("enrollment", "this edge is not enrolled");
  const password = o.args.password;
  if (typeof password !== "string" || !PASSWORD_RE.test(password))
    throw new RotationError("args.password", "expected 16-128 base64url characters");
  if (password === enrollment.mqtt.password) return "already";
  // Durable first: a crash after this point restarts with the new password, which HQ accepts
  // while the rotation is pending; a crash before it keeps the old one, still accepted.
  saveConfig(o.dataDir, (raw) => {
    const e = raw.enrollment as { mqtt: { password: string } } | undefined;
    if (!e) throw new RotationError("enrollment", "store-edge.json has no enrollment");
    e.mqtt.password = password;
  });
  enrollment.mqtt.password = password;
  o.log(
    `MQTT credentials rotated by HQ (rotation ${o.args.rotationId ?? "?"}): reconnecting with the new password`,
  );
  void o.link.reconnectWith({ password });
  return "rotated";
}
