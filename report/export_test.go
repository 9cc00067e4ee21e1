package report

// Fixture is the test data set, for the tests of package report_test
// (the annex's writer, which imports report).
var Fixture = fixture
