//! Failures a test can ask for: the next authenticated call of an operation answers
//! with a server error, a throttling answer, or only after a delay. They let the
//! client's retries, timeouts and error reports be tested against a live server.

use std::collections::VecDeque;
use std::time::Duration;

use crate::journal::OperationKind;

/// A failure for one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `500` with `{"error_code":"GES.8000","error_msg":...}`; nothing changes.
    InternalServerError,
    /// `503` with `{"error_code":"GES.8503","error_msg":...}`; nothing changes.
    ServiceUnavailable,
    /// `429` with `{"error_code":"APIGW.0308","error_msg":...}`, as the API gateway
    /// throttles; a status the contract does not document. Nothing changes.
    Throttled,
    /// The call is carried out normally, but answered only after this long.
    Delay(Duration),
}

/// Faults waiting for their call, first asked first served.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: VecDeque<(OperationKind, Fault)>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, operation: OperationKind, fault: Fault) {
        self.pending.push_back((operation, fault));
    }

    /// The oldest fault waiting for this operation, taken out of the queue.
    pub(crate) fn take(&mut self, operation: OperationKind) -> Option<Fault> {
        let index = self.pending.iter().position(|(op, _)| *op == operation)?;
        self.pending.remove(index).map(|(_, fault)| fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_served_per_operation_in_order() {
        let mut queue = FaultQueue::default();
        queue.push(OperationKind::StopGraph, Fault::ServiceUnavailable);
        queue.push(OperationKind::ShowJob, Fault::Throttled);
        queue.push(OperationKind::StopGraph, Fault::InternalServerError);
        assert_eq!(queue.take(OperationKind::ListGraphs), None);
        assert_eq!(
            queue.take(OperationKind::StopGraph),
            Some(Fault::ServiceUnavailable)
        );
        assert_eq!(
            queue.take(OperationKind::StopGraph),
            Some(Fault::InternalServerError)
        );
        assert_eq!(queue.take(OperationKind::StopGraph), None);
        assert_eq!(queue.take(OperationKind::ShowJob), Some(Fault::Throttled));
    }
}
