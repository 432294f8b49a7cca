import { expect, Locator, Page } from '@playwright/test';
import { Portal } from './portal';

/** The Cost page at /cost: spend, budget and forecast, daily chart, top movers, unit cost and alerts. */
export class CostPage extends Portal {
  constructor(page: Page) {
    super(page);
  }

  async open() {
    await this.signInAsGuest('/cost');
    await expect(this.stat('Total for period')).toContainText('$');
  }

  /** A labelled figure, e.g. "Total for period", "Month to date", "Forecast for the month". */
  stat(name: string): Locator {
    return this.page.getByRole('group', { name, exact: true });
  }

  /** The period shown under the period total, as the API's `from` and `to`. */
  async period(): Promise<{ from: string; to: string }> {
    const text = await this.stat('Total for period').innerText();
    const match = /(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})/.exec(text);
    if (!match) throw new Error(`no period in "${text}"`);
    return { from: match[1], to: match[2] };
  }

  async choosePeriod(label: string) {
    await this.page.getByRole('button', { name: 'Period' }).click();
    await this.page.getByRole('option', { name: label }).click();
  }

  alerts(status: 'open' | 'snoozed' | 'acknowledged' = 'open'): Locator {
    return this.page.getByRole('table', { name: `${status} cost alerts` });
  }

  async showAlerts(status: 'Open' | 'Snoozed' | 'Acknowledged') {
    await this.page.getByRole('button', { name: 'Alert status' }).click();
    await this.page.getByRole('option', { name: status }).click();
  }

  /** Reopens the alert with this message in the list shown (acknowledged or snoozed). */
  async reopen(status: 'acknowledged' | 'snoozed', message: string) {
    const row = this.alerts(status).locator('tbody').getByRole('row').filter({ hasText: message });
    await row.getByRole('button', { name: 'Reopen' }).click();
  }

  /** Acknowledges the first open alert and returns its message. */
  async acknowledgeFirstOpenAlert(): Promise<string> {
    const row = this.alerts('open').locator('tbody').getByRole('row').first();
    const message = await row.getByRole('cell').nth(3).innerText();
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    return message;
  }
}
