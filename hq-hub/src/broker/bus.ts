// What the hub needs from MQTT, whichever broker carries it: publish, and receive what stores
// send on their up-topics. The embedded aedes and an external MQTT 5 broker both provide it.

export interface PublishOptions {
  qos?: 0 | 1;
  retain?: boolean;
}

export type MessageHandler = (topic: string, payload: Buffer) => void | Promise<void>;

export interface Bus {
  /** The URL stores are told to connect to (enrollment response). */
  readonly url: string;
  /** The mqtts listener, when the broker serves one (embedded broker with the chain CA). */
  readonly tls?: { port: number; url: string };
  publish(topic: string, payload: string | Buffer, opts?: PublishOptions): Promise<void>;
  close(): Promise<void>;
}
