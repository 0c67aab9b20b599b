// Splits a settlement file into lines of fields, keeping each line's number (so an error can
// name it): RFC 4180 quotes ("a,b", doubled quotes), CRLF or LF, a UTF-8 BOM dropped. A
// quoted field may not span lines in these files; an unclosed quote ends at the line's end and
// is reported by the caller's column checks.

export interface CsvLine {
  /** 1-based line number in the file. */
  line: number;
  fields: string[];
  raw: string;
}

export function csvLines(text: string): CsvLine[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: CsvLine[] = [];
  const lines = body.split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    if (raw.trim() === "") return;
    out.push({ line: i + 1, fields: splitFields(raw), raw });
  });
  return out;
}

function splitFields(raw: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (quoted) {
      if (ch === '"') {
        if (raw[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

/** Header names compared without spaces, with ASCII parentheses read as full-width ones. */
export function headerKey(name: string): string {
  return name.replace(/\s+/g, "").replace(/\(/g, "（").replace(/\)/g, "）").replace(/^`/, "");
}
