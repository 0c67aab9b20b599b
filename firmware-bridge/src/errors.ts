// Typed device errors: every error names the device (by its configured id or path) and the field
// or frame part at fault, so that the lane and the store status can say what to fix.

export class DeviceError extends Error {
  override readonly name: string = "DeviceError";
  constructor(
    /** The device at fault: configured id, path or host:port. */
    readonly device: string,
    /** What about it: a config field, a frame part, "connection", "status", ... */
    readonly field: string,
    message: string,
  ) {
    super(`${device}: ${field}: ${message}`);
  }
}

/** A frame that could not be decoded; decoders skip it and resynchronise, they never throw it. */
export class FrameError extends DeviceError {
  override readonly name = "FrameError";
}

/** The device did not answer in time (a scale that stopped answering, a printer gone quiet). */
export class DeviceTimeoutError extends DeviceError {
  override readonly name = "DeviceTimeoutError";
}
