// Password and ACL files for an external Mosquitto, from the hub's hashes (no secret leaves in
// clear): used by GET /api/v1/broker/mosquitto-config and `hq-hub broker mosquitto-config`.
import type { HubConfig } from "../config.ts";
import type { Stores } from "../stores/stores.ts";
import { mosquittoHash } from "../stores/stores.ts";
import { mosquittoAclFile } from "./external.ts";

export function mosquittoConfig(hub: {
  stores: Pick<Stores, "mosquittoPasswords" | "enrolledIds">;
  config: Pick<HubConfig, "mqttUrl">;
}): { passwordFile: string; aclFile: string } {
  const hubUser = hub.config.mqttUrl
    ? decodeURIComponent(new URL(hub.config.mqttUrl).username) || undefined
    : undefined;
  const hubPass = hub.config.mqttUrl ? decodeURIComponent(new URL(hub.config.mqttUrl).password) : "";
  const lines = hub.stores.mosquittoPasswords();
  if (hubUser && hubPass) lines.unshift(`${hubUser}:${mosquittoHash(hubPass)}`);
  return {
    passwordFile: `${lines.join("\n")}\n`,
    aclFile: mosquittoAclFile(hubUser, hub.stores.enrolledIds()),
  };
}
