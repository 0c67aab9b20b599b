// A supplier's tax id: the 18-character 统一社会信用代码 (GB 32100-2015). The last character is a
// check digit over the first 17 (weights 3^i mod 31 over a 31-character alphabet without I, O,
// S, V, Z), so a mistyped character is refused here instead of on the supplier's invoice.
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Why `code` is not a valid 统一社会信用代码, or undefined when it is. */
export function taxIdProblem(code: string): string | undefined {
  if (code.length !== 18) return `a tax id has 18 characters, not ${code.length}`;
  let sum = 0;
  for (let i = 0; i < 18; i++) {
    const v = ALPHABET.indexOf(code[i]!);
    if (v < 0) return `character ${i + 1} (${code[i]}) is not allowed in a tax id`;
    if (i < 17) sum += v * WEIGHTS[i]!;
  }
  const check = (31 - (sum % 31)) % 31;
  if (ALPHABET[check] !== code[17]) return `the check digit is wrong (expected ${ALPHABET[check]})`;
  return undefined;
}
