import type { ServerResponse } from 'node:http';
import { Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAuthenticator } from '../auth/guards/request-authenticator';
import { Authenticated, CurrentUser, Principal, Public } from '../common/auth/auth.decorators';
import { Unauthenticated, ValidationFailed } from '../common/errors/common.errors';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { AppConfig } from '../config/app-config';
import { EventStreamQueryDto, EventTicketDto } from './dto/event-stream.dto';
import { EventStreamHub } from './event-stream-hub.service';
import { StreamTickets } from './ports/stream-tickets';

const LAST_EVENT_ID = /^\d{1,15}-\d{1,15}$/;

@ApiTags('events')
@Controller('api/events')
export class EventsController {
  constructor(
    private readonly hub: EventStreamHub,
    private readonly tickets: StreamTickets,
    private readonly authenticator: RequestAuthenticator,
    private readonly config: AppConfig,
  ) {}

  @Post('ticket')
  @Authenticated()
  @HttpCode(201)
  @ApiCreatedResponse({ type: EventTicketDto, description: 'a one-time ticket for GET /api/events?ticket=…' })
  async ticket(@CurrentUser() user: Principal): Promise<EventTicketDto> {
    const ttlS = this.config.events.ticketTtlS;
    return { ticket: await this.tickets.issue(user.userId, ttlS), expiresInS: ttlS };
  }

  /**
   * Authenticated here rather than in onRequest: the caller proves itself with either a bearer
   * header or a one-time ticket (a browser's EventSource cannot send headers). Never a token in the URL.
   */
  @Get()
  @Public()
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Authorization', required: false, description: 'Bearer <accessToken>; or give ?ticket=' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this event id (replay window permitting)' })
  @ApiOkResponse({ description: 'text/event-stream of the account events (docs/api.md, "Events")' })
  @ApiErrors([400, 'VALIDATION_FAILED'], [401, 'UNAUTHENTICATED'], [429, 'TOO_MANY_STREAMS (with maxStreams)'], [503, 'EVENTS_UNAVAILABLE'])
  async stream(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query() query: EventStreamQueryDto,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
  ): Promise<void> {
    const lastEventId = lastEventIdHeader ?? query.lastEventId;
    if (lastEventId !== undefined && !LAST_EVENT_ID.test(lastEventId)) {
      throw new ValidationFailed([{ field: 'Last-Event-ID', messages: ['must be an event id (<ms>-<seq>)'] }]);
    }
    const userId = query.ticket
      ? ((await this.tickets.redeem(query.ticket)) ?? failTicket())
      : (await this.authenticator.authenticate(request.headers.authorization)).userId;
    await this.hub.open(userId, lastEventId, (start) => {
      void reply.hijack();
      const response: ServerResponse = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
        'x-request-id': String(request.id),
        'x-content-type-options': 'nosniff',
        // Never reused: once the stream ends, so does its connection (nothing for shutdown to wait on).
        connection: 'close',
      });
      start(response);
    });
  }
}

function failTicket(): never {
  throw new Unauthenticated();
}
