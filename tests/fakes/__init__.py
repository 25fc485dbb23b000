"""Hand-written fakes of Slack for tests: a Web API server and a sender of signed requests."""
