window.YTD.account.part0 = [
  {
    "account" : {
      "createdVia" : "web",
      "username" : "casus_test",
      "accountId" : "1111",
      "createdAt" : "2011-06-23T13:04:14.000Z",
      "accountDisplayName" : "Casus Test"
    }
  }
]
