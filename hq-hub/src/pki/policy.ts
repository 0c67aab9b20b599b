// Which names a store's certificate may carry. A store asks for its LAN addresses (the thin
// clients reach the edge at them over HTTPS); the chain's CA signs only private ones, so a
// store's certificate can never pass for HQ or for any public site, whatever the store asks.
import { ValidationError } from "../errors.ts";

export const MAX_LAN_NAMES = 8;

const PRIVATE_V4 = [
  [10, 0, 8],
  [172, 16, 12],
  [192, 168, 16],
  [127, 0, 8],
] as const;

function ipv4(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

function isPrivateV4(p: number[]): boolean {
  const n = (((p[0] ?? 0) << 24) | ((p[1] ?? 0) << 16) | ((p[2] ?? 0) << 8) | (p[3] ?? 0)) >>> 0;
  return PRIVATE_V4.some(([a, b, bits]) => {
    const base = ((a << 24) | (b << 16)) >>> 0;
    const mask = (0xffffffff << (32 - bits)) >>> 0;
    return (n & mask) >>> 0 === (base & mask) >>> 0;
  });
}

/** LAN-only host names: what a store's own network resolves, never a public domain. */
const LAN_HOST =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.(local|lan|internal|home\.arpa)$/;

export type LanName = { type: "ip" | "dns"; value: string };

/**
 * The subject alternative names of a store certificate: "localhost" and 127.0.0.1 always (the
 * edge's own lanes), then the store's private IPv4 addresses and LAN host names. Anything else
 * is refused with the offending entry named.
 */
export function lanNames(input: unknown): LanName[] {
  if (input === undefined) input = [];
  if (!Array.isArray(input)) throw new ValidationError("lanAddresses", "expected a list of LAN addresses");
  if (input.length > MAX_LAN_NAMES)
    throw new ValidationError("lanAddresses", `at most ${MAX_LAN_NAMES} LAN addresses`);
  const out: LanName[] = [
    { type: "dns", value: "localhost" },
    { type: "ip", value: "127.0.0.1" },
  ];
  input.forEach((raw, i) => {
    const field = `lanAddresses[${i}]`;
    if (typeof raw !== "string") throw new ValidationError(field, "expected a string");
    const s = raw.trim().toLowerCase();
    const v4 = ipv4(s);
    if (v4) {
      if (!isPrivateV4(v4))
        throw new ValidationError(
          field,
          `${s} is not a private address (10/8, 172.16/12, 192.168/16, 127/8)`,
        );
      if (!out.some((n) => n.value === s)) out.push({ type: "ip", value: s });
      return;
    }
    if (s === "localhost") return;
    if (!LAN_HOST.test(s))
      throw new ValidationError(
        field,
        `${JSON.stringify(raw).slice(0, 80)} is neither a private IPv4 address nor a LAN host name (.local, .lan, .internal, .home.arpa)`,
      );
    if (!out.some((n) => n.value === s)) out.push({ type: "dns", value: s });
  });
  return out;
}
