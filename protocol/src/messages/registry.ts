// The registry: type name -> schema, version, direction, channel; the envelope's types.
import type { z } from "zod";
import { AuditRecordedV1 } from "./audit.ts";
import { CatalogAppliedV1, CatalogChangeSetV1, CatalogFetchV1, CatalogPointerV1 } from "./catalog.ts";
import { StoreDayDigestV1 } from "./day-digest.ts";
import {
  CertificateIssuedV1,
  CertificateRequestV1,
  CommandResultV1,
  CommandV1,
  StoreStatusV1,
  TelemetryV1,
} from "./fleet.ts";
import { MemberEnrolledV1 } from "./member.ts";
import { ReleaseOfferV1, UpdateReportV1 } from "./release.ts";
import { SaleCompletedV1, SaleReturnedV1 } from "./sale.ts";
import { CashMovedV1, ShiftClosedV1, ShiftOpenedV1 } from "./shift.ts";
import {
  ReceivingConfirmedV1,
  ReplenishmentStatusV1,
  StockAlertV1,
  StockCountedV1,
  StockMovementV1,
  StockQueryV1,
  StockReplyV1,
} from "./stock.ts";
import { StocktakeSubmittedV1, StocktakeUpdateV1 } from "./stocktake.ts";
import { EdgeHelloV1, EdgeWelcomeV1, EventsAckV1 } from "./sync.ts";
import {
  SupplyQueryV1,
  SupplyReplyV1,
  TransferReplyV1,
  TransferRequestV1,
  TransferStepV1,
  TransfersQueryV1,
  TransfersReplyV1,
} from "./transfer.ts";

export const MESSAGES = {
  "sale.completed": { v: 1, schema: SaleCompletedV1, dir: "up", channel: "events", ledger: true },
  "sale.returned": { v: 1, schema: SaleReturnedV1, dir: "up", channel: "events", ledger: true },
  "shift.opened": { v: 1, schema: ShiftOpenedV1, dir: "up", channel: "events", ledger: true },
  "shift.closed": { v: 1, schema: ShiftClosedV1, dir: "up", channel: "events", ledger: true },
  "cash.moved": { v: 1, schema: CashMovedV1, dir: "up", channel: "events", ledger: true },
  "stock.counted": { v: 1, schema: StockCountedV1, dir: "up", channel: "events", ledger: true },
  "receiving.confirmed": { v: 1, schema: ReceivingConfirmedV1, dir: "up", channel: "events", ledger: true },
  "audit.recorded": { v: 1, schema: AuditRecordedV1, dir: "up", channel: "events", ledger: true },
  "day.digest": { v: 1, schema: StoreDayDigestV1, dir: "up", channel: "events", ledger: true },
  "member.enrolled": { v: 1, schema: MemberEnrolledV1, dir: "up", channel: "events", ledger: true },
  "stocktake.submitted": { v: 1, schema: StocktakeSubmittedV1, dir: "up", channel: "events", ledger: true },
  "store.status": { v: 1, schema: StoreStatusV1, dir: "up", channel: "status", ledger: false },
  telemetry: { v: 1, schema: TelemetryV1, dir: "up", channel: "telemetry", ledger: false },
  "update.report": { v: 1, schema: UpdateReportV1, dir: "up", channel: "status", ledger: false },
  "catalog.fetch": { v: 1, schema: CatalogFetchV1, dir: "up", channel: "catalog", ledger: false },
  "catalog.applied": { v: 1, schema: CatalogAppliedV1, dir: "up", channel: "catalog", ledger: false },
  "stock.query": { v: 1, schema: StockQueryV1, dir: "up", channel: "query", ledger: false },
  "edge.hello": { v: 1, schema: EdgeHelloV1, dir: "up", channel: "query", ledger: false },
  "transfer.request": { v: 1, schema: TransferRequestV1, dir: "up", channel: "query", ledger: false },
  "supply.query": { v: 1, schema: SupplyQueryV1, dir: "up", channel: "query", ledger: false },
  "command.result": { v: 1, schema: CommandResultV1, dir: "up", channel: "query", ledger: false },
  "certificate.request": {
    v: 1,
    schema: CertificateRequestV1,
    dir: "up",
    channel: "query",
    ledger: false,
  },
  "transfer.step": { v: 1, schema: TransferStepV1, dir: "up", channel: "query", ledger: false },
  "transfers.query": { v: 1, schema: TransfersQueryV1, dir: "up", channel: "query", ledger: false },
  "catalog.pointer": { v: 1, schema: CatalogPointerV1, dir: "down", channel: "pointer", ledger: false },
  "catalog.changeset": { v: 1, schema: CatalogChangeSetV1, dir: "down", channel: "catalog", ledger: false },
  "events.ack": { v: 1, schema: EventsAckV1, dir: "down", channel: "ack", ledger: false },
  command: { v: 1, schema: CommandV1, dir: "down", channel: "command", ledger: false },
  "release.offer": { v: 1, schema: ReleaseOfferV1, dir: "down", channel: "command", ledger: false },
  "stock.movement": { v: 1, schema: StockMovementV1, dir: "down", channel: "stock", ledger: false },
  "stock.alert": { v: 1, schema: StockAlertV1, dir: "down", channel: "stock", ledger: false },
  "stocktake.update": { v: 1, schema: StocktakeUpdateV1, dir: "down", channel: "stock", ledger: false },
  "replenishment.status": {
    v: 1,
    schema: ReplenishmentStatusV1,
    dir: "down",
    channel: "replenishment",
    ledger: false,
  },
  "stock.reply": { v: 1, schema: StockReplyV1, dir: "down", channel: "reply", ledger: false },
  "edge.welcome": { v: 1, schema: EdgeWelcomeV1, dir: "down", channel: "reply", ledger: false },
  "transfer.reply": { v: 1, schema: TransferReplyV1, dir: "down", channel: "reply", ledger: false },
  "supply.reply": { v: 1, schema: SupplyReplyV1, dir: "down", channel: "reply", ledger: false },
  "transfers.reply": { v: 1, schema: TransfersReplyV1, dir: "down", channel: "reply", ledger: false },
  "certificate.issued": {
    v: 1,
    schema: CertificateIssuedV1,
    dir: "down",
    channel: "reply",
    ledger: false,
  },
} as const;

export type MessageType = keyof typeof MESSAGES;
export type Payload<T extends MessageType> = z.infer<(typeof MESSAGES)[T]["schema"]>;
export const MESSAGE_TYPES = Object.keys(MESSAGES) as MessageType[];
export const LEDGER_TYPES = MESSAGE_TYPES.filter((t) => MESSAGES[t].ledger);
export type SaleCompleted = Payload<"sale.completed">;
export type SaleReturned = Payload<"sale.returned">;
export type StoreStatus = Payload<"store.status">;
export type CatalogChangeSet = Payload<"catalog.changeset">;
export type EventsAck = Payload<"events.ack">;
export type StoreDayDigest = Payload<"day.digest">;
export type EdgeHello = Payload<"edge.hello">;
export type EdgeWelcome = Payload<"edge.welcome">;

export interface Envelope<T extends MessageType = MessageType> {
  v: number;
  id: string;
  type: T;
  storeId: string;
  seq: number;
  occurredAt: string;
  payload: Payload<T>;
}

/** Any envelope, narrowed by `type`. */
export type AnyEnvelope = { [T in MessageType]: Envelope<T> }[MessageType];
