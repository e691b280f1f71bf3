package chimevoice

import (
	"fmt"
	"time"
)

// MaxBatch is the most items any batch list may hold (PhoneNumberIds,
// E164PhoneNumbers, UpdatePhoneNumberRequestItems).
const MaxBatch = 1000

// DefaultRetention is how long a number stays in the Deletion queue.
const DefaultRetention = 7 * 24 * time.Hour

// DeleteRefusal tells why a number in status with these associations cannot
// be moved into the Deletion queue, as the per-item code of
// BatchDeletePhoneNumber. It returns "" when the delete may proceed (which
// includes numbers already queued: deleting them again changes nothing).
func DeleteRefusal(status Status, assocs []Association) (Code, string) {
	if status == StatusAcquireInProgress {
		return CodePreconditionFailed, "The phone number is still being acquired (AcquireInProgress); wait for its order to complete."
	}
	for _, a := range assocs {
		if a.Name == AssocVoiceConnectorGroup {
			return CodeVoiceConnectorGroupAssociationsExist, fmt.Sprintf("The phone number is associated with Voice Connector group %s; disassociate it first.", a.Value)
		}
	}
	if len(assocs) > 0 {
		a := assocs[0]
		for _, b := range assocs {
			if b.Name != AssocAccount { // name the user, not the account that accompanies it
				a = b
				break
			}
		}
		return CodePhoneNumberAssociationsExist, fmt.Sprintf("The phone number is associated with %s %s; disassociate it first.", associationNoun(a.Name), a.Value)
	}
	return "", ""
}

func associationNoun(n AssociationName) string {
	switch n {
	case AssocVoiceConnector:
		return "Voice Connector"
	case AssocVoiceConnectorGroup:
		return "Voice Connector group"
	case AssocSipRule:
		return "SIP rule"
	case AssocUser:
		return "user"
	case AssocAccount:
		return "account"
	}
	return string(n)
}

// UpdateRefusal tells why a number in status cannot be updated ("" if it can).
func UpdateRefusal(status Status) (Code, string) {
	switch status {
	case StatusDeleteInProgress:
		return CodeConflict, "The phone number is in the Deletion queue; restore it before updating it."
	case StatusAcquireInProgress:
		return CodeConflict, "The phone number is still being acquired (AcquireInProgress); wait for its order to complete."
	}
	return "", ""
}

// StatusFor returns the inventory status of a number that is in inventory
// (not queued or acquiring): Assigned with associations, else Unassigned.
func StatusFor(assocs int) Status {
	if assocs > 0 {
		return StatusAssigned
	}
	return StatusUnassigned
}
