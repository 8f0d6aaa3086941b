import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class EventStreamQueryDto {
  @ApiPropertyOptional({ description: 'a one-time ticket from POST /api/events/ticket, for clients that cannot send a header (EventSource); else send Authorization' })
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'ticket must be one POST /api/events/ticket issued' })
  ticket?: string;

  @ApiPropertyOptional({ description: 'resume after this event id, when the Last-Event-ID header cannot be sent; the header wins' })
  @IsOptional() @Matches(/^\d{1,15}-\d{1,15}$/, { message: 'lastEventId must be an event id (<ms>-<seq>)' })
  lastEventId?: string;
}

export class EventTicketDto {
  @ApiProperty({ description: '256 random bits, base64url; opens one stream, once' }) ticket: string;
  @ApiProperty({ description: 'seconds it stays redeemable' }) expiresInS: number;
}
