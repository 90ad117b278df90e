/**
 * Twilio's REST error answers: the HTTP status, and a body with Twilio's numeric code, its message
 * and the page that explains it, which the twilio package turns into a RestException.
 */

export interface TwilioReply {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

export function twilioError(status: number, code: number, message: string, headers?: Record<string, string>): TwilioReply {
  return { status, ...(headers ? { headers } : {}), body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

export const errors = {
  authenticate: () => twilioError(401, 20003, 'Authenticate', { 'www-authenticate': 'Basic realm="Twilio API"' }),
  notFound: (path: string) => twilioError(404, 20404, `The requested resource ${path} was not found`),
  methodNotAllowed: () => twilioError(405, 20004, 'Method not allowed'),
  tooManyRequests: () => twilioError(429, 20429, 'Too Many Requests'),
  invalidTo: (to: string) => twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
  messageToRequired: () => twilioError(400, 21604, "A 'To' phone number is required."),
  messageFromRequired: () => twilioError(400, 21603, "A 'From' phone number is required."),
  messageBodyRequired: () => twilioError(400, 21602, 'Message body is required.'),
  messageTooLong: () => twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.'),
  callToRequired: () => twilioError(400, 21201, "No 'To' number is specified"),
  callFromRequired: () => twilioError(400, 21213, "No 'From' number is specified"),
  callUrlRequired: () => twilioError(400, 21205, 'Url parameter is required.'),
};
