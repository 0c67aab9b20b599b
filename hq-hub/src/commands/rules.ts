// Remote commands, the pure part: which commands an operator may send, the arguments each takes
// (checked before anything is stored or published), and how a command's state moves when the
// store answers or never does.
import { z } from "@hono/zod-openapi";

/** What an operator may send from the console or the API (the protocol has more, used by HQ itself). */
export const REMOTE_COMMANDS = [
  "restart_edge",
  "restart_lane",
  "lock_lane",
  "unlock_lane",
  "resync_catalog",
  "collect_diagnostics",
  "renew_certificate",
] as const;
export type RemoteCommandName = (typeof REMOTE_COMMANDS)[number];

const LANE_COMMANDS = new Set<RemoteCommandName>(["restart_lane", "lock_lane", "unlock_lane"]);

export const CommandInput = z
  .object({
    name: z.enum(REMOTE_COMMANDS),
    /** restart_lane, lock_lane, unlock_lane: the lane (1-2 digits). */
    lane: z
      .string()
      .regex(/^[0-9]{1,2}$/, "lane: 1-2 digits")
      .optional(),
    /** lock_lane: why, shown at the till. */
    reason: z.string().trim().min(1).max(200).optional(),
  })
  .openapi("RemoteCommandInput");
export type CommandInput = z.infer<typeof CommandInput>;

export type CommandState = "sent" | "done" | "refused" | "failed" | "expired";
export const FINAL_STATES: ReadonlySet<CommandState> = new Set(["done", "refused", "failed", "expired"]);

/** A command that has had no answer this long is expired and no longer resent (24 h). */
export const COMMAND_TTL_MS = 24 * 3600_000;

export class CommandArgsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The wire arguments of a command, or the field that is wrong. */
export function commandArgs(input: CommandInput): Record<string, string> {
  if (LANE_COMMANDS.has(input.name)) {
    if (!input.lane) throw new CommandArgsError("lane", `${input.name} needs the lane`);
  } else if (input.lane !== undefined)
    throw new CommandArgsError("lane", `${input.name} is for the whole store, not a lane`);
  if (input.reason !== undefined && input.name !== "lock_lane")
    throw new CommandArgsError("reason", "only lock_lane takes a reason");
  return {
    ...(input.lane !== undefined ? { lane: input.lane } : {}),
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
  };
}

/**
 * The state after the store's answer: the first answer decides; a repeat (the store answers a
 * resend from what it kept) or an answer after expiry changes nothing.
 */
export function answeredState(
  current: CommandState,
  outcome: "done" | "refused" | "failed",
): CommandState | undefined {
  if (current !== "sent") return undefined;
  return outcome;
}

/** Whether an unanswered command is still worth sending again, or has expired. */
export function resendOrExpire(requestedAt: string, now: Date): "resend" | "expire" {
  return now.getTime() - Date.parse(requestedAt) > COMMAND_TTL_MS ? "expire" : "resend";
}
