// What comes down from HQ is validated before anything acts on it: the topic, the size, the
// envelope schema and the store it is addressed to. A message that fails is dropped, logged
// and kept in a short dead-letter list (the link's state shows how many).
import {
  type AnyEnvelope,
  MAX_MQTT_PAYLOAD_BYTES,
  MessageError,
  parseTopic,
  validateEnvelope,
} from "@retail/protocol";

/** The envelope, undefined for an up topic (our own), or why it was refused. */
export function readDown(
  topic: string,
  payload: Buffer,
  storeId: string,
): { env: AnyEnvelope } | { refused: string } | undefined {
  const t = parseTopic(topic);
  if (!t || t.direction === "up") return undefined;
  let env: AnyEnvelope;
  try {
    if (payload.byteLength > MAX_MQTT_PAYLOAD_BYTES)
      throw new MessageError("too_large", "", `${payload.byteLength} bytes`);
    // Change-set pages may be up to 512 KiB, above the single-envelope limit, so the size
    // is checked against the payload limit and the rest by the schema.
    env = validateEnvelope(JSON.parse(payload.toString("utf8")));
  } catch (e) {
    return { refused: (e as Error).message };
  }
  if (env.storeId !== storeId && env.storeId !== "*") return { refused: `addressed to ${env.storeId}` };
  return { env };
}

/** The last 100 dropped messages. */
export class DeadLetters {
  private readonly list: { at: string; topic: string; reason: string }[] = [];

  constructor(
    private readonly now: () => number,
    private readonly log: (msg: string) => void,
  ) {}

  get count(): number {
    return this.list.length;
  }

  add(topic: string, reason: string): void {
    this.log(`dropped message on ${topic}: ${reason}`);
    this.list.push({ at: new Date(this.now()).toISOString(), topic, reason });
    if (this.list.length > 100) this.list.shift();
  }
}
