// Privacy rules for members (China's PIPL), pure: phone masking and who may see a full number.
import type { Role } from "../http/auth.ts";

/** 13812345678 -> 138****5678; anything shorter keeps only its last two characters. */
export function maskPhone(phone: string): string {
  if (phone.length >= 11) return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  if (phone.length <= 2) return "*".repeat(phone.length);
  return `${"*".repeat(phone.length - 2)}${phone.slice(-2)}`;
}

/** Only HQ administrators see whole phone numbers; everyone else gets them masked. */
export function mayRevealPhone(role: Role): boolean {
  return role === "hq_admin";
}
