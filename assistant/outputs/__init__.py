"""What leaves the chat: consultant memos (`memo`) and answer feedback (`feedback`)."""
