//! Calendar documents a test serves ([`crate::RunningSimulator::serve_calendar`]), the
//! faults queued for them ([`crate::RunningSimulator::fail_calendar`]) and how many
//! requests each got: what `calendar_routes` answers from. Calendars are no Huawei
//! service: they stand for any HTTPS host a schedule's `{"url": …}` names.

use std::collections::{HashMap, VecDeque};

use axum::body::Bytes;

use crate::fault::Fault;

/// Where calendar documents are served: `/calendars/{name}`.
pub(crate) const CALENDAR_PREFIX: &str = "/calendars/";

/// The documents by name (the path after [`CALENDAR_PREFIX`]), the faults waiting for
/// each name's next requests (a fault and how many more requests it answers), and the
/// requests each name got.
#[derive(Debug, Default)]
pub(crate) struct CalendarFiles {
    documents: HashMap<String, Bytes>,
    faults: HashMap<String, VecDeque<(Fault, usize)>>,
    requests: HashMap<String, usize>,
}

impl CalendarFiles {
    /// Serves `body` as `name` from now on, in place of an earlier document.
    pub(crate) fn serve(&mut self, name: &str, body: Bytes) {
        self.documents.insert(name.to_owned(), body);
    }

    /// Queues `fault` for the next `times` requests of `name`, after those queued
    /// before.
    pub(crate) fn fail(&mut self, name: &str, fault: Fault, times: usize) {
        if times > 0 {
            self.faults
                .entry(name.to_owned())
                .or_default()
                .push_back((fault, times));
        }
    }

    /// Counts a request for `name`, and gives the fault it meets, if any, and the
    /// document, if one is served.
    pub(crate) fn request(&mut self, name: &str) -> (Option<Fault>, Option<Bytes>) {
        *self.requests.entry(name.to_owned()).or_default() += 1;
        let fault = self.faults.get_mut(name).and_then(|queue| {
            let (fault, left) = queue.front_mut()?;
            let fault = fault.clone();
            *left -= 1;
            if *left == 0 {
                queue.pop_front();
            }
            Some(fault)
        });
        (fault, self.documents.get(name).cloned())
    }

    /// How many requests `name` got, answered or not.
    pub(crate) fn requests(&self, name: &str) -> usize {
        self.requests.get(name).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_answer_their_number_of_requests_in_order() {
        let mut files = CalendarFiles::default();
        files.serve("a.ics", Bytes::from_static(b"BEGIN:VCALENDAR"));
        files.fail("a.ics", Fault::ServiceUnavailable, 2);
        files.fail("a.ics", Fault::Reset, 1);
        files.fail("a.ics", Fault::Throttled, 0);
        let faults: Vec<Option<Fault>> = (0..4).map(|_| files.request("a.ics").0).collect();
        assert_eq!(
            faults,
            [
                Some(Fault::ServiceUnavailable),
                Some(Fault::ServiceUnavailable),
                Some(Fault::Reset),
                None
            ]
        );
        assert_eq!(files.requests("a.ics"), 4);
        assert_eq!(files.request("b.ics"), (None, None));
        assert_eq!(files.requests("b.ics"), 1);
    }
}
