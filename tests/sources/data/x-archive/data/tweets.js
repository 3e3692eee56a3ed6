window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "display_text_range" : [ "0", "62" ],
      "favorite_count" : "3",
      "id_str" : "1500000000000000002",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1500000000000000002",
      "in_reply_to_status_id_str" : "1500000000000000001",
      "in_reply_to_status_id" : "1500000000000000001",
      "in_reply_to_user_id_str" : "1111",
      "in_reply_to_user_id" : "1111",
      "in_reply_to_screen_name" : "casus_test",
      "created_at" : "Tue Mar 01 10:05:00 +0000 2022",
      "favorited" : false,
      "full_text" : "Second post: costs &amp; gains &lt;script&gt;alert(1)&lt;/script&gt;",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "id_str" : "1500000000000000001",
      "id" : "1500000000000000001",
      "created_at" : "Tue Mar 01 10:00:00 +0000 2022",
      "full_text" : "First post of a thread on why states intervene.",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "id_str" : "1500000000000000003",
      "id" : "1500000000000000003",
      "in_reply_to_status_id_str" : "1500000000000000002",
      "in_reply_to_user_id_str" : "1111",
      "in_reply_to_screen_name" : "casus_test",
      "created_at" : "Tue Mar 01 10:09:30 +0000 2022",
      "full_text" : "Third post.\n\nWith a paragraph break.",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "id_str" : "1500000000000000010",
      "id" : "1500000000000000010",
      "created_at" : "Wed Mar 02 08:00:00 +0000 2022",
      "full_text" : "A single post that starts no thread.",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "id_str" : "1500000000000000011",
      "id" : "1500000000000000011",
      "in_reply_to_status_id_str" : "1400000000000000000",
      "in_reply_to_user_id_str" : "2222",
      "in_reply_to_screen_name" : "someone_else",
      "created_at" : "Wed Mar 02 09:00:00 +0000 2022",
      "full_text" : "@someone_else a reply to another account starts a thread of its own",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "id_str" : "1500000000000000012",
      "id" : "1500000000000000012",
      "in_reply_to_status_id_str" : "1500000000000000011",
      "in_reply_to_user_id_str" : "1111",
      "in_reply_to_screen_name" : "casus_test",
      "created_at" : "Wed Mar 02 09:01:00 +0000 2022",
      "full_text" : "and continues it here.",
      "lang" : "en"
    }
  }
]
