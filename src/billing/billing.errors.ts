import { AppError } from '../common/errors/app-error';

export class BillingNotConfigured extends AppError {
  readonly status = 503;
  readonly code = 'BILLING_NOT_CONFIGURED';
  constructor() {
    super('billing is not configured on this server');
  }
}

export class BadSignature extends AppError {
  readonly status = 400;
  readonly code = 'BAD_SIGNATURE';
  constructor() {
    super('webhook signature does not verify');
  }
}

export class PaymentProviderError extends AppError {
  readonly status = 502;
  readonly code = 'PAYMENT_PROVIDER_ERROR';
  constructor(cause?: unknown) {
    super('the payment provider did not answer as expected', { cause });
  }
}

/** A second subscription would bill the user twice; plan changes belong to the provider's portal. */
export class AlreadySubscribed extends AppError {
  readonly status = 409;
  readonly code = 'ALREADY_SUBSCRIBED';
  constructor(readonly tier: string) {
    super(`there is already a ${tier} subscription on this account`);
  }
  override extra() {
    return { tier: this.tier };
  }
}
