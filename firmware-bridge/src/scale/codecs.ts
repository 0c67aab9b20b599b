// The scale protocols we speak, by the name a lane's configuration uses.
import { cas } from "./cas.ts";
import { mtsics } from "./mtsics.ts";
import { nci } from "./nci.ts";
import { toledo8217 } from "./toledo8217.ts";
import type { ScaleCodec } from "./weight.ts";

export const SCALE_CODECS = { toledo8217, nci, mtsics, cas } as const satisfies Record<string, ScaleCodec>;
export type ScaleProtocol = keyof typeof SCALE_CODECS;
export const SCALE_PROTOCOLS = Object.keys(SCALE_CODECS) as ScaleProtocol[];
