// JSON text read back from the database (a stored action, a log row, an
// outbox entry): the value, or undefined when there is none or it is not JSON.
// Whoever reads it still parses the value with its own schema.
export function parseJsonText(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
