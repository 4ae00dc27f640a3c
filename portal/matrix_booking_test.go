package portal_test

import (
	"fmt"
	"time"
)

// Rows of the authorisation matrix for the booking widget's setup and its
// public fields (booking.graphqls).

// newService creates a bookable service given by the practice's owner, for
// a role to read or change.
func (fx *fixture) newService() string {
	var out struct{ CreateService struct{ ID string } }
	fx.api.OK(fx.p.Token, `mutation($p: [ID!], $n: String!) { createService(input: {name: $n, durationMinutes: 60, bookableOnline: true}, practitionerIds: $p) { id } }`,
		map[string]any{"p": []string{fx.ownerID}, "n": fmt.Sprintf("Service %d", fx.next())}, &out)
	return out.CreateService.ID
}

// newException gives the owner time off, for a role to remove.
func (fx *fixture) newException() string {
	var out struct{ AddScheduleException struct{ ID string } }
	at := time.Now().Add(time.Duration(100+fx.next()) * 24 * time.Hour).UTC().Truncate(time.Hour)
	fx.api.OK(fx.p.Token, `mutation($s: ID!, $a: Time!, $b: Time!) { addScheduleException(input: {staffId: $s, kind: TIME_OFF, startsAt: $a, endsAt: $b}) { id } }`,
		map[string]any{"s": fx.ownerID, "a": at, "b": at.Add(time.Hour)}, &out)
	return out.AddScheduleException.ID
}

func init() {
	owner := func(fx *fixture) map[string]any { return map[string]any{"s": fx.ownerID} }
	service := func(fx *fixture) map[string]any { return map[string]any{"id": fx.newService()} }
	from := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Hour)

	row("Query.services", matrixOp{doc: `{ services { id practitioners { id } effectiveRules { slotIntervalMinutes } } }`, vars: noVars, who: forStaff})
	row("Query.workingHours", matrixOp{doc: `query($s: ID!) { workingHours(staffId: $s) { id } }`, vars: owner, who: forStaff, target: true})
	row("Query.scheduleExceptions", matrixOp{doc: `query($s: ID!) { scheduleExceptions(staffId: $s) { id } }`, vars: owner, who: forStaff, target: true})
	row("Query.bookableServices", matrixOp{doc: `{ bookableServices(organization: "practice") { id name practitioners { name } } }`, vars: noVars, who: forPublic})
	row("Query.availableSlots", matrixOp{doc: `query($id: ID!, $f: Time!, $t: Time!) { availableSlots(organization: "practice", serviceId: $id, from: $f, to: $t, timeZone: "America/Toronto") { start practitionerName } }`,
		vars: func(fx *fixture) map[string]any {
			return map[string]any{"id": fx.newService(), "f": from, "t": from.Add(7 * 24 * time.Hour)}
		}, who: forPublic})

	row("Mutation.createService", matrixOp{doc: `mutation { createService(input: {name: "New", durationMinutes: 30}) { id } }`, vars: noVars, who: forAdmin})
	row("Mutation.updateService", matrixOp{doc: `mutation($id: ID!) { updateService(id: $id, input: {name: "Renamed"}) { id } }`, vars: service, who: forAdmin, target: true})
	row("Mutation.archiveService", matrixOp{doc: `mutation($id: ID!) { archiveService(id: $id) { id } }`, vars: service, who: forAdmin, target: true})
	row("Mutation.setWorkingHours", matrixOp{doc: `mutation($s: ID!) { setWorkingHours(staffId: $s, intervals: [{weekday: 1, start: "09:00", end: "17:00"}]) { id } }`,
		vars: owner, who: forStaff, target: true})
	row("Mutation.addScheduleException", matrixOp{doc: `mutation($s: ID!) { addScheduleException(input: {staffId: $s, kind: HOURS, date: "2030-01-02"}) { id } }`,
		vars: owner, who: forStaff, target: true})
	row("Mutation.removeScheduleException", matrixOp{doc: `mutation($id: ID!) { removeScheduleException(id: $id) }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"id": fx.newException()} }, who: forStaff, target: true})
	row("Mutation.updateBookingRules", matrixOp{doc: `mutation { updateBookingRules(input: {bufferAfterMinutes: 10}) { id bookingMinNoticeMinutes } }`, vars: noVars, who: forAdmin})
}
