import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

/** A malformed id is a 400 naming the parameter; an unknown well-formed one is a 404. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({
    exceptionFactory: () => new BadRequestException(`${name} must be a UUID`),
  });
}
