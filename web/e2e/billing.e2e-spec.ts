import { describe, expect, it } from 'vitest';
import { PaymentProvider } from '../../src/billing/ports/payment-provider';
import { FakePaymentProvider, TEST_STRIPE_ENV } from '../../test/fakes/fake-payment-provider';
import { AccountPage } from './pages/account-page';
import { AuthPages } from './pages/auth-pages';
import { CHROMIUM_AVAILABLE, newPerson } from './support/browser';
import { browserSuite } from './support/browser-suite';

describe.skipIf(!CHROMIUM_AVAILABLE)('upgrading, with billing configured', () => {
  const payments = new FakePaymentProvider();

  const suite = browserSuite({ env: TEST_STRIPE_ENV, overrides: [{ provide: PaymentProvider, useValue: payments }] });

  it('offers the upgrade on the account page and sends the person to the checkout page', async () => {
    const person = await newPerson(suite.browser, suite.server.baseUrl);
    // The provider's page is elsewhere; the test answers for it.
    await person.context.route('https://checkout.example.test/**', (route) => route.fulfill({ contentType: 'text/html', body: '<h1>Checkout</h1>' }));
    await new AuthPages(person.page).register('buyer@example.com', 'ready to pay for it');
    const account = new AccountPage(person.page);
    await account.open();
    expect(await account.upgradeOffered()).toBe(true);
    await person.page.getByRole('button', { name: 'Upgrade to Pro' }).click();
    await person.page.waitForURL('https://checkout.example.test/session/1');
    expect(payments.checkouts.map((c) => c.tier)).toEqual(['pro']);
    expect(person.errors).toEqual([]);
    await person.context.close();
  });
});
