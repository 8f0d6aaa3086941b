import { Body, Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Authenticated, CurrentUser, Principal, Public } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { BodyLimit } from '../common/http/body-limit';
import { KeepRawBody, rawBodyOf } from '../common/http/raw-body';
import { BillingWebhookService } from './billing-webhook.service';
import { BillingService } from './billing.service';
import { CheckoutRequestDto, CheckoutResponseDto, SubscriptionResponseDto, WebhookAckDto } from './dto/billing.dto';
import { toSubscriptionDto } from './dto/billing-dto.mapper';
import { PaymentProvider } from './ports/payment-provider';

/** Stripe's events are a few KiB; an event carrying many line items stays well under this. */
const WEBHOOK_BODY_LIMIT = 256 * 1024;

@ApiTags('billing')
@Controller('api/billing')
export class BillingController {
  constructor(
    private readonly billing: BillingService,
    private readonly webhooks: BillingWebhookService,
    private readonly payments: PaymentProvider,
  ) {}

  @Get('subscription')
  @Authenticated()
  @ApiOkResponse({ type: SubscriptionResponseDto })
  async subscription(@CurrentUser() user: Principal): Promise<SubscriptionResponseDto> {
    return toSubscriptionDto(await this.billing.accountOf(user.userId));
  }

  @Post('checkout')
  @Authenticated()
  @ApiCreatedResponse({ type: CheckoutResponseDto })
  @ApiErrors(
    [400, 'VALIDATION_FAILED'],
    [409, 'ALREADY_SUBSCRIBED (change plans in the provider portal)'],
    [502, 'PAYMENT_PROVIDER_ERROR'],
    [503, 'BILLING_NOT_CONFIGURED'],
  )
  checkout(@CurrentUser() user: Principal, @Body() body: CheckoutRequestDto): Promise<CheckoutResponseDto> {
    return this.billing.checkout(user.userId, body.tier);
  }

  @Public()
  @Post('webhook')
  @HttpCode(200)
  @KeepRawBody()
  @BodyLimit(() => WEBHOOK_BODY_LIMIT)
  @ApiOperation({ summary: "the payment provider's events, verified against the signature over the raw body" })
  @ApiHeader({ name: 'Stripe-Signature', required: true })
  @ApiOkResponse({ type: WebhookAckDto, description: 'applied, or a repeat of an applied event' })
  @ApiErrors([400, 'BAD_SIGNATURE'], [503, 'BILLING_NOT_CONFIGURED'])
  async webhook(@Req() request: FastifyRequest, @Headers('stripe-signature') signature?: string): Promise<WebhookAckDto> {
    // An empty body verifies against no signature: the provider answers BAD_SIGNATURE for it.
    const event = this.payments.parseWebhook(rawBodyOf(request) ?? Buffer.alloc(0), signature);
    return { received: true, applied: await this.webhooks.apply(event) };
  }
}
