import { InvalidRequestError } from '../common/invalid-request.error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface KeysetPosition {
  at: Date;
  id: string;
}

/** An opaque page cursor: the (instant, id) of the last row of the previous page. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at.toISOString()}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const instant = new Date(at ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(instant.getTime())) {
    throw new InvalidRequestError('cursor', 'cursor is not a cursor returned by this endpoint');
  }
  return { at: instant, id };
}
