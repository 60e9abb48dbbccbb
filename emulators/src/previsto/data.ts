/**
 * Internal to the Previsto emulator: the word lists behind the seed data and a tiny Danish gazetteer used to
 * geocode addresses (`location` "will be resolved by the system from the specified address") and to answer
 * `GET /addresses`.
 */
import { hashString } from '../framework/util.js';
import type { AddressHit, LonLat } from './types.js';

export interface City {
  postalCode: string;
  city: string;
  lon: number;
  lat: number;
}

/** Approximate town centres. */
export const CITIES: readonly City[] = [
  { postalCode: '1150', city: 'København K', lon: 12.5683, lat: 55.6761 },
  { postalCode: '1850', city: 'Frederiksberg C', lon: 12.5346, lat: 55.6786 },
  { postalCode: '8000', city: 'Aarhus C', lon: 10.2039, lat: 56.1629 },
  { postalCode: '5000', city: 'Odense C', lon: 10.3883, lat: 55.3959 },
  { postalCode: '9000', city: 'Aalborg', lon: 9.9217, lat: 57.0488 },
  { postalCode: '6700', city: 'Esbjerg', lon: 8.4519, lat: 55.4765 },
  { postalCode: '8900', city: 'Randers C', lon: 10.0364, lat: 56.4607 },
  { postalCode: '6000', city: 'Kolding', lon: 9.4722, lat: 55.4904 },
  { postalCode: '8700', city: 'Horsens', lon: 9.8504, lat: 55.8607 },
  { postalCode: '7100', city: 'Vejle', lon: 9.5357, lat: 55.7093 },
  { postalCode: '4000', city: 'Roskilde', lon: 12.0803, lat: 55.6415 },
  { postalCode: '7400', city: 'Herning', lon: 8.9734, lat: 56.1393 },
  { postalCode: '8600', city: 'Silkeborg', lon: 9.5452, lat: 56.1697 },
  { postalCode: '4700', city: 'Næstved', lon: 11.76, lat: 55.2299 },
  { postalCode: '7000', city: 'Fredericia', lon: 9.7522, lat: 55.5657 },
  { postalCode: '8800', city: 'Viborg', lon: 9.402, lat: 56.4532 },
  { postalCode: '4600', city: 'Køge', lon: 12.1825, lat: 55.458 },
  { postalCode: '7500', city: 'Holstebro', lon: 8.6162, lat: 56.3601 },
  { postalCode: '4200', city: 'Slagelse', lon: 11.3531, lat: 55.4028 },
  { postalCode: '3400', city: 'Hillerød', lon: 12.3108, lat: 55.9267 },
  { postalCode: '6400', city: 'Sønderborg', lon: 9.7926, lat: 54.9138 },
  { postalCode: '5700', city: 'Svendborg', lon: 10.6076, lat: 55.0598 },
  { postalCode: '9800', city: 'Hjørring', lon: 9.9823, lat: 57.4642 },
  { postalCode: '4300', city: 'Holbæk', lon: 11.715, lat: 55.7175 },
  { postalCode: '9900', city: 'Frederikshavn', lon: 10.5371, lat: 57.4407 },
  { postalCode: '9400', city: 'Nørresundby', lon: 9.9227, lat: 57.0586 },
  { postalCode: '4100', city: 'Ringsted', lon: 11.787, lat: 55.4426 },
  { postalCode: '6100', city: 'Haderslev', lon: 9.489, lat: 55.2497 },
  { postalCode: '7800', city: 'Skive', lon: 9.03, lat: 56.567 },
  { postalCode: '3000', city: 'Helsingør', lon: 12.5915, lat: 56.0361 },
  { postalCode: '8660', city: 'Skanderborg', lon: 9.93, lat: 56.034 },
  { postalCode: '5800', city: 'Nyborg', lon: 10.81, lat: 55.3127 },
  { postalCode: '8400', city: 'Ebeltoft', lon: 10.68, lat: 56.1944 },
  { postalCode: '8680', city: 'Ry', lon: 9.7667, lat: 56.09 },
];

export const STREETS: readonly string[] = [
  'Vesterbrogade',
  'Nørregade',
  'Søndergade',
  'Østergade',
  'Algade',
  'Kirkevej',
  'Skolevej',
  'Møllevej',
  'Bakkevej',
  'Engvej',
  'Skovvej',
  'Strandvejen',
  'Birkevej',
  'Egevej',
  'Bøgevej',
  'Lindevej',
  'Ahornvej',
  'Rosenvænget',
  'Kastanjevej',
  'Havnegade',
  'Jernbanegade',
  'Stationsvej',
  'Torvegade',
  'Parkvej',
  'Fasanvej',
  'Tværgade',
  'Kongensgade',
  'Dronningensgade',
  'Fiskerstræde',
  'Mosevej',
  'Granvej',
  'Solvej',
  'Kærvej',
  'Præstevej',
  'Vibevej',
  'Lærkevej',
  'Svanevej',
  'Højvangen',
  'Åboulevarden',
  'Bornholmsgade',
  'Industrivej',
  'Grønnegade',
  'Kildevej',
  'Hybenvej',
  'Pilevej',
  'Valmuevej',
  'Enghavevej',
  'Kløvervej',
];

export const FIRST_NAMES: readonly string[] = [
  'Anna',
  'Mette',
  'Lone',
  'Hanne',
  'Susanne',
  'Kirsten',
  'Camilla',
  'Louise',
  'Sofie',
  'Ida',
  'Freja',
  'Emma',
  'Karen',
  'Marianne',
  'Birgitte',
  'Helle',
  'Pia',
  'Tina',
  'Line',
  'Maja',
  'Signe',
  'Astrid',
  'Inge',
  'Bente',
  'Lars',
  'Jens',
  'Peter',
  'Søren',
  'Niels',
  'Henrik',
  'Thomas',
  'Michael',
  'Rasmus',
  'Mads',
  'Jonas',
  'Frederik',
  'Anders',
  'Jesper',
  'Morten',
  'Kasper',
  'Mikkel',
  'Christian',
  'Bo',
  'Ole',
  'Poul',
  'Jørgen',
  'Torben',
  'Steen',
  'Kim',
  'Esben',
  'Villads',
  'Oskar',
  'Magnus',
  'Emil',
  'Asger',
  'Troels',
  'Claus',
  'Bjarne',
  'Aksel',
  'Ebbe',
];

export const LAST_NAMES: readonly string[] = [
  'Jensen',
  'Nielsen',
  'Hansen',
  'Pedersen',
  'Andersen',
  'Christensen',
  'Larsen',
  'Sørensen',
  'Rasmussen',
  'Jørgensen',
  'Petersen',
  'Madsen',
  'Kristensen',
  'Olsen',
  'Thomsen',
  'Christiansen',
  'Poulsen',
  'Johansen',
  'Møller',
  'Mortensen',
  'Knudsen',
  'Jakobsen',
  'Mikkelsen',
  'Frederiksen',
  'Lund',
  'Holm',
  'Schmidt',
  'Eriksen',
  'Kristiansen',
  'Simonsen',
  'Clausen',
  'Svendsen',
  'Andreasen',
  'Iversen',
  'Østergaard',
  'Vestergaard',
  'Jeppesen',
  'Mogensen',
  'Bach',
  'Dahl',
  'Kjær',
  'Lauridsen',
  'Bruun',
  'Winther',
  'Damgaard',
  'Friis',
];

export const TRADES: readonly string[] = [
  'Bageri',
  'Tømrerfirma',
  'Tandklinik',
  'Auto',
  'Blomster',
  'Frisør',
  'VVS',
  'Revision',
  'Malerfirma',
  'Boghandel',
  'Cykler',
  'Fysioterapi',
  'Ejendomme',
  'Slagter',
  'Optik',
  'Køreskole',
];

export const ASSOCIATIONS: readonly string[] = [
  'Andelsboligforeningen Solhaven',
  'Ejerforeningen Kastanjegården',
  'Grundejerforeningen Engbakken',
  'Boligselskabet Fjordparken',
  'Andelsboligforeningen Rosenhaven',
  'Ejerforeningen Havnefronten',
];

export const CONTACT_NOTES: readonly string[] = [
  'Nøglen ligger under måtten.',
  'Hund i haven, ring først.',
  'Ring 30 minutter før ankomst.',
  'Porten skal lukkes efter besøg.',
  'Parkér på gæstepladsen.',
  'Kode til opgang: 4721.',
  'Kun udvendig pudsning om vinteren.',
  'Betaler altid kontant.',
];

export const AGREEMENT_DESCRIPTIONS: readonly string[] = [
  'Vinduespudsning',
  'Vinduespudsning ude',
  'Vinduespudsning inde og ude',
  'Vinduespudsning inde',
  'Ovenlysvinduer',
  'Rensning af tagrender',
  'Pudsning af solceller',
  'Pudsning af udestue',
  'Facadeglas',
  'Butiksruder',
];

export const AGREEMENT_NOTES: readonly string[] = [
  'Husk at lukke lågen.',
  'Stige nødvendig til 1. sal.',
  'Kunden ønsker SMS dagen før.',
  'Brug ikke sæbe på ruderne i udestuen.',
  'Faktureres kvartalsvis.',
];

export const ORGANIZATION_NAMES: readonly string[] = [
  'Klart Vindue ApS',
  'Glasklart Vinduespolering',
  'Nordjysk Vinduespudsning A/S',
  'Blank & Ren ApS',
  'Fjordens Vinduespudser',
  'Solskin Service ApS',
];

/** Danish letters spelled the way e-mail local parts and domains do. */
export function asciiFold(s: string): string {
  return s
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'oe')
    .replace(/å/g, 'aa')
    .replace(/é/g, 'e')
    .replace(/[^a-z0-9]+/g, '');
}

const cityByName = new Map(CITIES.map((c) => [c.city.toLowerCase(), c]));
const cityByPostal = new Map(CITIES.map((c) => [c.postalCode, c]));

/** Finds a gazetteer town by postal code first (unambiguous), then by name. */
export function findCity(postalCode: string | null | undefined, city: string | null | undefined): City | undefined {
  return (postalCode ? cityByPostal.get(postalCode.trim()) : undefined) ?? (city ? cityByName.get(city.trim().toLowerCase()) : undefined);
}

function round7(n: number): number {
  return Math.round(n * 1e7) / 1e7;
}

/**
 * Deterministic geocoding: the town centre offset by a hash of the street address, so the same address always
 * lands on the same point a few hundred metres from the centre. Unknown towns resolve to `[0, 0]`.
 */
export function geocode(
  address: string | null | undefined,
  postalCode: string | null | undefined,
  city: string | null | undefined,
): LonLat {
  const c = findCity(postalCode, city);
  if (!c) return [0, 0];
  const h = hashString((address ?? '').toLowerCase());
  const dLon = ((h & 0xffff) / 0xffff - 0.5) * 0.06;
  const dLat = ((h >>> 16) / 0xffff - 0.5) * 0.04;
  return [round7(c.lon + dLon), round7(c.lat + dLat)];
}

/**
 * Address autocomplete over the gazetteer (streets x towns). Every word of `q` must appear in
 * `street postalCode town`; a number in `q` is taken as the house number.
 */
export function searchAddresses(q: string, limit = 10): AddressHit[] {
  const words = q
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean);
  const houseNumber = words.find((w) => /^\d+[a-z]?$/.test(w) && !cityByPostal.has(w)) ?? '1';
  const terms = words.filter((w) => w !== houseNumber);
  const out: AddressHit[] = [];
  if (terms.length === 0) return out;
  for (const street of STREETS) {
    const s = street.toLowerCase();
    for (const c of CITIES) {
      const hay = `${s} ${c.postalCode} ${c.city.toLowerCase()}`;
      if (!terms.every((t) => hay.includes(t))) continue;
      const [lon, lat] = geocode(`${street} ${houseNumber}`, c.postalCode, c.city);
      out.push({
        city: c.city,
        countryCode: 'DK',
        houseNumber,
        latitude: String(lat),
        longitude: String(lon),
        postalCode: c.postalCode,
        street,
        village: null,
      });
      if (out.length >= limit) return out;
    }
  }
  return out;
}
