/**
 * Not public: an incremental CSV reader for the files Civis writes (a query's result): RFC 4180 quoting (a doubled
 * quote inside quotes is a literal one), `\n` or `\r\n` line ends, one delimiter of comma, tab or pipe. Text arrives in
 * chunks of any size, so a file is parsed while it downloads. An empty field that was not quoted reads as null (how
 * Civis writes SQL NULL in a quoted file); `""` reads as the empty string.
 */

/** One record: its fields, null for an empty unquoted one. */
export type CsvRecord = Array<string | null>;

export class CsvReader {
  private readonly records: CsvRecord[] = [];
  private record: CsvRecord = [];
  private field = '';
  private quoted = false;
  /** Inside quotes. */
  private inQuotes = false;
  /** The previous character closed a quoted section (a quote now would be an escaped one). */
  private afterQuote = false;
  /** A `\r` was seen outside quotes; a following `\n` belongs to the same line end. */
  private afterCr = false;
  private started = false;

  constructor(private readonly delimiter: string) {}

  /** Parses the next piece of text. */
  push(text: string): void {
    const d = this.delimiter;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.afterCr) {
        this.afterCr = false;
        if (ch === '\n') continue;
      }
      if (this.inQuotes) {
        if (ch === '"') {
          this.inQuotes = false;
          this.afterQuote = true;
        } else this.field += ch;
        continue;
      }
      if (ch === '"') {
        // `""` inside a quoted field is a literal quote: reopen the quotes after adding one.
        if (this.afterQuote) this.field += '"';
        this.inQuotes = true;
        this.quoted = true;
        this.afterQuote = false;
        this.started = true;
        continue;
      }
      this.afterQuote = false;
      if (ch === d) {
        this.endField();
        this.started = true;
      } else if (ch === '\n' || ch === '\r') {
        this.afterCr = ch === '\r';
        this.endRecord();
      } else {
        this.field += ch;
        this.started = true;
      }
    }
  }

  /** Ends the text: the last record, when the file does not end with a line end. Returns every record. */
  end(): CsvRecord[] {
    if (this.started || this.record.length > 0) this.endRecord();
    return this.records;
  }

  /** Records parsed so far (the reader keeps them). */
  get count(): number {
    return this.records.length;
  }

  private endField(): void {
    this.record.push(this.field === '' && !this.quoted ? null : this.field);
    this.field = '';
    this.quoted = false;
  }

  private endRecord(): void {
    // A blank line is no record.
    if (!this.started && this.record.length === 0) return;
    this.endField();
    this.records.push(this.record);
    this.record = [];
    this.started = false;
  }
}

/** The character of each of Civis's `columnDelimiter` values. */
export const CSV_DELIMITERS: Record<string, string> = { comma: ',', tab: '\t', pipe: '|' };
