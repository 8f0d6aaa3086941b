import type { Page } from 'playwright-core';

/** Register, log in, unlock after a reload, log out: the screens before the maps. */
export class AuthPages {
  constructor(private readonly page: Page) {}

  /** Registers, saves the recovery kit the next step shows, and goes on to the maps; answers the kit's words. */
  async register(email: string, password: string): Promise<string> {
    await this.submitRegistration(email, password);
    const words = await this.acceptRecoveryKit('Continue to my maps');
    await this.page.waitForURL('**/maps');
    return words;
  }

  /** The recovery kit on screen: its 12 words, after ticking "written down" and leaving with `done`. */
  async acceptRecoveryKit(done: string): Promise<string> {
    const kit = this.page.getByRole('region', { name: 'Recovery kit' });
    await kit.waitFor();
    const words = await kit.getByRole('list', { name: 'Recovery key words' }).getByRole('listitem').allTextContents();
    await kit.getByLabel('I have written down or printed my recovery key').check();
    await kit.getByRole('button', { name: done }).click();
    return words.join(' ');
  }

  /** "Forgot password?" from the login page: the words and a new password; answers the replacement words. */
  async recover(email: string, words: string, newPassword: string): Promise<string> {
    await this.page.goto('/login');
    await this.page.getByRole('link', { name: 'Forgot password?' }).click();
    await this.submitRecovery(email, words, newPassword);
    return this.acceptRecoveryKit('Continue to log in');
  }

  /** Fills the recovery form and submits; does not wait for the outcome. */
  async submitRecovery(email: string, words: string, newPassword: string): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Recover account' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Recovery key (12 words)').fill(words);
    await form.getByLabel('New password', { exact: true }).fill(newPassword);
    await form.getByLabel('Repeat new password').fill(newPassword);
    await form.getByRole('button', { name: 'Set new password' }).click();
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
