package e911

// states are the USPS codes of the states, the District of Columbia and
// the territories, with their names.
var states = map[string]string{
	"AL": "ALABAMA", "AK": "ALASKA", "AZ": "ARIZONA", "AR": "ARKANSAS", "CA": "CALIFORNIA", "CO": "COLORADO",
	"CT": "CONNECTICUT", "DE": "DELAWARE", "DC": "DISTRICT OF COLUMBIA", "FL": "FLORIDA", "GA": "GEORGIA",
	"HI": "HAWAII", "ID": "IDAHO", "IL": "ILLINOIS", "IN": "INDIANA", "IA": "IOWA", "KS": "KANSAS",
	"KY": "KENTUCKY", "LA": "LOUISIANA", "ME": "MAINE", "MD": "MARYLAND", "MA": "MASSACHUSETTS",
	"MI": "MICHIGAN", "MN": "MINNESOTA", "MS": "MISSISSIPPI", "MO": "MISSOURI", "MT": "MONTANA",
	"NE": "NEBRASKA", "NV": "NEVADA", "NH": "NEW HAMPSHIRE", "NJ": "NEW JERSEY", "NM": "NEW MEXICO",
	"NY": "NEW YORK", "NC": "NORTH CAROLINA", "ND": "NORTH DAKOTA", "OH": "OHIO", "OK": "OKLAHOMA",
	"OR": "OREGON", "PA": "PENNSYLVANIA", "RI": "RHODE ISLAND", "SC": "SOUTH CAROLINA", "SD": "SOUTH DAKOTA",
	"TN": "TENNESSEE", "TX": "TEXAS", "UT": "UTAH", "VT": "VERMONT", "VA": "VIRGINIA", "WA": "WASHINGTON",
	"WV": "WEST VIRGINIA", "WI": "WISCONSIN", "WY": "WYOMING", "PR": "PUERTO RICO", "VI": "VIRGIN ISLANDS",
	"GU": "GUAM",
}

// zip3Ranges give the state of a ZIP code by its first three digits
// (USPS sectional center prefixes; inclusive ranges). A prefix that is in
// no range is not a ZIP code of a state.
var zip3Ranges = []struct {
	from, to int
	state    string
}{
	{5, 5, "NY"}, {6, 7, "PR"}, {8, 8, "VI"}, {9, 9, "PR"},
	{10, 27, "MA"}, {28, 29, "RI"}, {30, 38, "NH"}, {39, 49, "ME"}, {50, 54, "VT"}, {55, 55, "MA"}, {56, 59, "VT"},
	{60, 69, "CT"}, {70, 89, "NJ"}, {100, 149, "NY"}, {150, 196, "PA"}, {197, 199, "DE"}, {200, 200, "DC"},
	{201, 201, "VA"}, {202, 205, "DC"}, {206, 219, "MD"}, {220, 246, "VA"}, {247, 268, "WV"}, {270, 289, "NC"},
	{290, 299, "SC"}, {300, 319, "GA"}, {320, 339, "FL"}, {341, 349, "FL"}, {350, 369, "AL"}, {370, 385, "TN"},
	{386, 397, "MS"}, {398, 399, "GA"}, {400, 427, "KY"}, {430, 459, "OH"}, {460, 479, "IN"}, {480, 499, "MI"},
	{500, 528, "IA"}, {530, 549, "WI"}, {550, 567, "MN"}, {569, 569, "DC"}, {570, 577, "SD"}, {580, 588, "ND"},
	{590, 599, "MT"}, {600, 629, "IL"}, {630, 658, "MO"}, {660, 679, "KS"}, {680, 693, "NE"}, {700, 714, "LA"},
	{716, 729, "AR"}, {730, 732, "OK"}, {733, 733, "TX"}, {734, 749, "OK"}, {750, 799, "TX"}, {800, 816, "CO"},
	{820, 831, "WY"}, {832, 838, "ID"}, {840, 847, "UT"}, {850, 865, "AZ"}, {870, 884, "NM"}, {885, 885, "TX"},
	{889, 898, "NV"}, {900, 961, "CA"}, {967, 968, "HI"}, {969, 969, "GU"}, {970, 979, "OR"}, {980, 994, "WA"},
	{995, 999, "AK"},
}

// zip5 are ZIP codes whose city chimevoice knows: for these, the city must
// match. (Other ZIP codes are checked against the state only.)
var zip5 = map[string]string{
	"98101": "SEATTLE", "98104": "SEATTLE", "98109": "SEATTLE", "98121": "SEATTLE", "98004": "BELLEVUE",
	"97204": "PORTLAND", "94103": "SAN FRANCISCO", "94105": "SAN FRANCISCO", "90012": "LOS ANGELES",
	"92101": "SAN DIEGO", "95814": "SACRAMENTO", "89101": "LAS VEGAS", "85004": "PHOENIX", "80202": "DENVER",
	"84101": "SALT LAKE CITY", "78701": "AUSTIN", "75201": "DALLAS", "77002": "HOUSTON", "73102": "OKLAHOMA CITY",
	"70112": "NEW ORLEANS", "63101": "SAINT LOUIS", "64105": "KANSAS CITY", "60601": "CHICAGO", "60606": "CHICAGO",
	"55401": "MINNEAPOLIS", "53202": "MILWAUKEE", "48226": "DETROIT", "46204": "INDIANAPOLIS", "43215": "COLUMBUS",
	"37203": "NASHVILLE", "30303": "ATLANTA", "33130": "MIAMI", "28202": "CHARLOTTE", "23219": "RICHMOND",
	"20001": "WASHINGTON", "20500": "WASHINGTON", "21202": "BALTIMORE", "19107": "PHILADELPHIA", "15222": "PITTSBURGH",
	"10001": "NEW YORK", "10007": "NEW YORK", "11201": "BROOKLYN", "07102": "NEWARK", "02108": "BOSTON",
	"02110": "BOSTON", "06103": "HARTFORD", "02903": "PROVIDENCE", "96813": "HONOLULU", "99501": "ANCHORAGE",
}

// suffixes map USPS street suffixes (full and abbreviated) to their
// standard abbreviation (USPS Publication 28, appendix C1; the common ones).
var suffixes = map[string]string{
	"STREET": "ST", "ST": "ST", "AVENUE": "AVE", "AVE": "AVE", "AV": "AVE", "ROAD": "RD", "RD": "RD",
	"BOULEVARD": "BLVD", "BLVD": "BLVD", "DRIVE": "DR", "DR": "DR", "LANE": "LN", "LN": "LN",
	"COURT": "CT", "CT": "CT", "PLACE": "PL", "PL": "PL", "WAY": "WAY", "TERRACE": "TER", "TER": "TER",
	"PARKWAY": "PKWY", "PKWY": "PKWY", "HIGHWAY": "HWY", "HWY": "HWY", "CIRCLE": "CIR", "CIR": "CIR",
	"SQUARE": "SQ", "SQ": "SQ", "TRAIL": "TRL", "TRL": "TRL", "PLAZA": "PLZ", "PLZ": "PLZ",
}

// directions map directionals to their USPS abbreviation.
var directions = map[string]string{
	"N": "N", "NORTH": "N", "S": "S", "SOUTH": "S", "E": "E", "EAST": "E", "W": "W", "WEST": "W",
	"NE": "NE", "NORTHEAST": "NE", "NW": "NW", "NORTHWEST": "NW", "SE": "SE", "SOUTHEAST": "SE", "SW": "SW", "SOUTHWEST": "SW",
}
