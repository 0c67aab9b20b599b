import { SCALE_PROTOCOLS, type ScaleProtocol } from "./codecs.ts";
import { scaleContract } from "./scale.contract.ts";

// Simulators: always. A PTY cannot carry parity, so for 7E1 protocols (Toledo 8217, NCI) the
// simulator and the codec set and check the parity bit in each byte themselves.
for (const protocol of SCALE_PROTOCOLS) scaleContract(`${protocol} simulator`, { protocol });
scaleContract("mtsics simulator, continuous (SIR)", { protocol: "mtsics", continuous: true });

// Real hardware: SCALE_DEVICE=/dev/serial/by-path/... SCALE_PROTOCOL=toledo8217|nci|mtsics|cas
const device = process.env.SCALE_DEVICE;
const protocol = (process.env.SCALE_PROTOCOL ?? "toledo8217") as ScaleProtocol;
scaleContract(
  `${protocol} hardware at ${device ?? "(set SCALE_DEVICE to run)"}`,
  { protocol, device: device ?? "/dev/null" },
  !!device && SCALE_PROTOCOLS.includes(protocol),
);
