import Holidays from 'date-holidays';

// Where a market's working day is judged when the config names no zone. For
// countries spanning several zones this is the business capital's zone.
const MARKET_ZONES: Readonly<Record<string, string>> = {
  US: 'America/New_York',
  CA: 'America/Toronto',
  MX: 'America/Mexico_City',
  BR: 'America/Sao_Paulo',
  AR: 'America/Argentina/Buenos_Aires',
  IE: 'Europe/Dublin',
  GB: 'Europe/London',
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon',
  NL: 'Europe/Amsterdam',
  PL: 'Europe/Warsaw',
  TR: 'Europe/Istanbul',
  IN: 'Asia/Kolkata',
  SG: 'Asia/Singapore',
  JP: 'Asia/Tokyo',
  KR: 'Asia/Seoul',
  CN: 'Asia/Shanghai',
  PH: 'Asia/Manila',
  VN: 'Asia/Ho_Chi_Minh',
  ID: 'Asia/Jakarta',
  AU: 'Australia/Sydney',
  NZ: 'Pacific/Auckland',
};

let countries: Readonly<Record<string, string>> | undefined;

function knownCountries(): Readonly<Record<string, string>> {
  countries ??= new Holidays().getCountries('en');
  return countries;
}

export function isKnownMarket(code: string): boolean {
  return Object.hasOwn(knownCountries(), code);
}

export function marketName(code: string): string {
  return knownCountries()[code] ?? code;
}

const zonesFromHolidayData = new Map<string, string>();

/** The zone a market's holidays are judged in, unless the config overrides it. */
export function defaultMarketZone(code: string): string {
  const known = MARKET_ZONES[code];
  if (known) return known;
  let zone = zonesFromHolidayData.get(code);
  if (!zone) {
    zone = new Holidays(code).getTimezones()[0] ?? 'UTC';
    zonesFromHolidayData.set(code, zone);
  }
  return zone;
}
