package portal_test

import "fmt"

// Rows of the authorisation matrix for locations (locations.graphqls):
// every staff member reads them, owners and admins manage them; a portal
// session is refused (the portal shows a location only on its appointments,
// PortalAppointment.practiceLocation).

// newLocation creates a location of the practice, for a role to change.
func (fx *fixture) newLocation() string {
	var out struct{ CreateLocation struct{ ID string } }
	fx.api.OK(fx.p.Token, `mutation($n: String!) { createLocation(input: {name: $n}) { id } }`,
		map[string]any{"n": fmt.Sprintf("Location %d", fx.next())}, &out)
	return out.CreateLocation.ID
}

func init() {
	row("Query.locations", matrixOp{doc: `{ locations { totalCount edges { node { id name } } } }`, vars: noVars, who: forStaff})
	row("Mutation.createLocation", matrixOp{doc: `mutation { createLocation(input: {name: "Clinic", phone: "416 555 0100"}) { id } }`, vars: noVars, who: forAdmin})
	row("Mutation.updateLocation", matrixOp{doc: `mutation($id: ID!) { updateLocation(id: $id, input: {name: "Renamed"}) { id } }`,
		vars: func(fx *fixture) map[string]any { return map[string]any{"id": fx.newLocation()} }, who: forAdmin, target: true})
}
