import type { Page } from 'playwright-core';

/** Register, log in, unlock after a reload, log out: the screens before the maps. */
export class AuthPages {
  constructor(private readonly page: Page) {}

  async register(email: string, password: string): Promise<void> {
    await this.submitRegistration(email, password);
    await this.page.waitForURL('**/maps');
  }

  /** Fills the sign-up form and submits; does not wait for success. */
  async submitRegistration(email: string, password: string): Promise<void> {
    await this.page.goto('/register');
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByLabel('Repeat password').fill(password);
    await this.page.getByRole('button', { name: 'Create account' }).click();
  }

  /** Fills the login form and submits; does not wait for success (see loggedIn). */
  async submitLogin(email: string, password: string): Promise<void> {
    if (!this.page.url().includes('/login')) await this.page.goto('/login');
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Log in' }).click();
  }

  async login(email: string, password: string): Promise<void> {
    await this.submitLogin(email, password);
    await this.page.waitForURL('**/maps');
  }

  async isLocked(): Promise<boolean> {
    return this.page.getByRole('heading', { name: 'Mindvault is locked' }).isVisible();
  }

  async unlock(password: string): Promise<void> {
    await this.page.getByRole('heading', { name: 'Mindvault is locked' }).waitFor();
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Unlock' }).click();
    await this.page.getByRole('heading', { name: 'Mindvault is locked' }).waitFor({ state: 'detached' });
  }

  async logout(): Promise<void> {
    await this.page.getByRole('button', { name: 'Log out' }).click();
    await this.page.waitForURL('**/login');
  }

  /** The error the form shows (role=alert). */
  async error(): Promise<string> {
    const alert = this.page.getByRole('alert');
    await alert.waitFor();
    return (await alert.textContent()) ?? '';
  }

  /** Answers the second step of a login that asks for a code. */
  async enterCode(code: string): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Second step' });
    await form.getByLabel(/Code from your authenticator app/).fill(code);
    await form.getByRole('button', { name: 'Verify' }).click();
  }

  /** Whether the page asks for a second-factor code now. */
  async asksForCode(): Promise<boolean> {
    await this.page.getByRole('form', { name: 'Second step' }).waitFor();
    return true;
  }
}
