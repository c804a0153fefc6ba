//! [`ClientOracle`]: the macro's span queries, asked of the client, which
//! holds the spans (inside rustc, the compiler's).

use procbox_host::SpanOracle;
use procbox_host::protocol::{ClientMessage, ServerMessage, SpanAnswer, SpanQuery};

use super::connection::{Connection, describe};

/// Asks the client each span query and waits for its answer.
pub struct ClientOracle {
    pub connection: Connection,
}

impl SpanOracle for ClientOracle {
    fn answer(&mut self, query: &SpanQuery) -> Result<SpanAnswer, String> {
        self.connection
            .send(&ServerMessage::SpanQuery(*query))
            .map_err(|e| format!("cannot ask the client: {e}"))?;
        match self.connection.receive() {
            Ok(Some(ClientMessage::SpanAnswer(answer))) => Ok(answer),
            Ok(Some(other)) => Err(format!(
                "the client sent {} instead of a span answer",
                describe(&other)
            )),
            Ok(None) => Err("the client closed the connection".to_owned()),
            Err(e) => Err(format!("cannot read the client's answer: {e}")),
        }
    }
}
