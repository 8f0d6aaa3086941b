import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { TIERS, Tier } from '../../config/app-config';
import { PAID_TIERS, PaidTier } from '../domain/subscription';

export class CheckoutRequestDto {
  @ApiProperty({ enum: PAID_TIERS })
  @IsIn(PAID_TIERS)
  tier: PaidTier;
}

export class CheckoutResponseDto {
  @ApiProperty({ description: "the payment provider's hosted checkout page", example: 'https://checkout.stripe.com/c/pay/cs_test_…' })
  url: string;
}

export class SubscriptionResponseDto {
  @ApiProperty({ enum: TIERS, description: 'the tier the subscription bills; free without one' })
  tier: Tier;

  @ApiProperty({ enum: TIERS, description: 'the tier in force: admin override, else an active (or in-grace past-due) subscription, else free' })
  effectiveTier: Tier;

  @ApiProperty({ example: 'active', description: "the provider's subscription status, or none" })
  status: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  currentPeriodEnd: string | null;

  @ApiProperty({ description: 'bytes stored, all versions counted' })
  usageBytes: number;

  @ApiProperty({ description: "the effective tier's storage limit in bytes" })
  limitBytes: number;
}

export class WebhookAckDto {
  @ApiProperty({ example: true }) received: boolean;
  @ApiProperty({ description: 'false when this event id was applied before' }) applied: boolean;
}
