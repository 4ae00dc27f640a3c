// Package booking is the domain of the booking widget: the services a
// practice offers, its practitioners' weekly hours and their exceptions, the
// booking rules (per organisation, overridden per service), and availability:
// the free start times the widget offers (Slots) and the check a booking
// write makes inside its transaction (CheckBookable).
//
// Times of day are wall-clock times in the practitioner's time zone; every
// local date is turned into instants with time.Date in that zone, so hours
// stay put across daylight-saving changes. Instants are compared in UTC.
package booking
