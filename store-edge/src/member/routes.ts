// The member desk over the LAN API: find by phone or member code (the lane's member for this
// sale), and sign-up with the consents as the screen showed them.
import { z } from "zod";
import { type Api, body, newApi } from "../http/body.ts";
import type { MemberDesk } from "./desk.ts";

const Phone = z.string().regex(/^1\d{10}$/, "a mainland mobile number: 11 digits starting with 1");
const Wording = z.string().trim().min(10).max(4000);

const schemas = {
  // One of the two; a bad phone is named as such (the terminal words it by field).
  find: z
    .strictObject({ phone: Phone.optional(), code: z.string().min(1).max(64).optional() })
    .refine((b) => (b.phone === undefined) !== (b.code === undefined), {
      message: "give a phone or a member code",
      path: ["phone"],
    }),
  signUp: z.strictObject({
    phone: Phone,
    name: z.string().trim().max(40).optional(),
    membershipWording: Wording,
    marketing: z.strictObject({ granted: z.boolean(), wording: Wording }).optional(),
  }),
};

export function memberRoutes(desk: MemberDesk): Api {
  const api = newApi();
  api.post("/lanes/:lane/member", async (c) => {
    const b = await body(c, schemas.find);
    return c.json(
      desk.attach(c.req.param("lane"), b.code !== undefined ? { code: b.code } : { phone: b.phone! }),
    );
  });
  api.post("/lanes/:lane/member/signup", async (c) =>
    c.json(desk.signUp(c.req.param("lane"), await body(c, schemas.signUp))),
  );
  return api;
}
