import { HttpError, type HttpClient } from '@platform/service-kit';
import type { Channel } from '../notifications/model';

/** What the notification service needs of a user (user-api `User`). */
export interface Recipient {
  userId: string;
  email: string;
  phone?: string;
  /** `preferences.notificationChannels`; a user who never chose gets e-mail */
  channels: Channel[];
}

interface UserResponse {
  id: string;
  email: string;
  preferences?: { notificationChannels?: Channel[]; phone?: string };
}

export class UserNotFoundError extends Error {}

/** Reads buyers from the user service with a `service` token (GET /users/{id} allows that role). */
export class UserDirectory {
  constructor(
    private readonly client: HttpClient,
    private readonly serviceToken: () => Promise<string>,
  ) {}

  async recipient(userId: string): Promise<Recipient> {
    let user: UserResponse;
    try {
      user = await this.client.get<UserResponse>(
        `/users/${encodeURIComponent(userId)}`,
        {
          headers: { authorization: `Bearer ${await this.serviceToken()}` },
        },
      );
    } catch (error) {
      if (error instanceof HttpError && error.status === 404)
        throw new UserNotFoundError(`user ${userId} does not exist`);
      throw error;
    }
    const preferred = user.preferences?.notificationChannels;
    return {
      userId: user.id,
      email: user.email,
      phone: user.preferences?.phone,
      channels: preferred === undefined ? ['email'] : preferred,
    };
  }
}
