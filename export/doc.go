// Package export owns what staff take out of kith in bulk or on paper: the
// CSV exports of clients, of contacts with their links and of the
// appointments of a date range (GET /exports/clients.csv,
// /exports/contacts.csv, /exports/appointments.csv?from=…&to=…), the
// printable client face sheet (GET /clients/{id}/face-sheet), and their
// audit list (ExportRecord), written as each starts and completed as it
// ends.
//
// Every route reads as the signed-in staff member (never as kith), so the
// organisation's privacy policies decide what it sees; CSV exports are for
// owners and admins, the face sheet for any staff member. Rows are read in
// pages of PageSize and written as they are read, so an export never holds
// the whole list in memory.
package export
