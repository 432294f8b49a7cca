export const ROLES = ['customer', 'admin', 'service'] as const;
export type Role = (typeof ROLES)[number];

export interface Preferences {
  favoriteCategories?: string[];
  currency?: string;
  locale?: string;
  marketingOptIn?: boolean;
  notificationChannels?: Array<'email' | 'sms'>;
  phone?: string;
}

/** A user as the API shows it (never with the password hash). */
export interface User {
  id: string;
  email: string;
  name: string;
  preferences: Preferences;
  roles: Role[];
  createdAt: string;
  updatedAt: string;
}

export interface UserChanges {
  email?: string;
  name?: string;
  /** replaces the stored preferences as a whole, so a field can be removed */
  preferences?: Preferences;
  roles?: Role[];
}

export class EmailTakenError extends Error {
  constructor(email: string) {
    super(`A user with the email ${email} already exists.`);
    this.name = 'EmailTakenError';
  }
}
