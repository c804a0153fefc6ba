//! `fs-read`, recorded: wasmtime-wasi's `wasi:filesystem` for the granted
//! directory, with every path the guest opens, looks at or lists noted in a
//! [`FileLog`], so a cached expansion can be checked against the files it
//! read and a build can be told which files it depends on.
//!
//! Each call is wasmtime-wasi's own; this view only watches. The log knows
//! each descriptor's path: the preopened directory's (whose guest path is
//! its host path, see `grants::wasi_ctx`), then each opened one's, joined.

use std::collections::{BTreeSet, HashMap};

use wasmtime::component::{HasData, Resource};
use wasmtime_wasi::filesystem::WasiFilesystemCtxView;
use wasmtime_wasi::p2::bindings::filesystem::preopens;
use wasmtime_wasi::p2::bindings::sync::filesystem::types::{
    self as fs, Descriptor, DirectoryEntryStream,
};
use wasmtime_wasi::p2::bindings::sync::io::streams;
use wasmtime_wasi::p2::{FsError, FsResult};

/// The paths a macro read during one expansion (files opened or looked at,
/// directories listed), absolute, in the granted directory.
#[derive(Debug, Default)]
pub(crate) struct FileLog {
    /// Every path read, sorted.
    pub(crate) paths: BTreeSet<String>,
    /// The path of each open descriptor, by its resource's handle.
    descriptors: HashMap<u32, String>,
}

impl FileLog {
    fn base(&self, fd: &Resource<Descriptor>) -> Option<&str> {
        self.descriptors.get(&fd.rep()).map(String::as_str)
    }

    /// Notes that the guest read `fd`'s own path.
    fn read(&mut self, fd: &Resource<Descriptor>) {
        if let Some(path) = self.base(fd) {
            self.paths.insert(path.to_owned());
        }
    }

    /// Notes that the guest read `path` relative to `fd`; returns the
    /// path, if `fd` is known.
    fn read_at(&mut self, fd: &Resource<Descriptor>, path: &str) -> Option<String> {
        let joined = join(self.base(fd)?, path);
        self.paths.insert(joined.clone());
        Some(joined)
    }
}

/// `base` joined with the guest's relative `path`, `.` and `..` resolved
/// (wasmtime-wasi refuses paths that leave the preopened directory, so
/// `..` never goes above it).
fn join(base: &str, path: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').collect();
    let root = parts.len();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.len() > root => {
                parts.pop();
            }
            ".." => {}
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// wasmtime-wasi's filesystem view, and the log it reports to.
pub(crate) struct Recorded<'a> {
    pub(crate) fs: WasiFilesystemCtxView<'a>,
    pub(crate) log: &'a mut FileLog,
}

/// The part of the store `fs-read` is implemented on.
pub(crate) struct RecordedFilesystem;

impl HasData for RecordedFilesystem {
    type Data<'a> = Recorded<'a>;
}

impl preopens::Host for Recorded<'_> {
    fn get_directories(&mut self) -> wasmtime::Result<Vec<(Resource<Descriptor>, String)>> {
        let directories = preopens::Host::get_directories(&mut self.fs)?;
        for (fd, path) in &directories {
            self.log.descriptors.insert(fd.rep(), path.clone());
        }
        Ok(directories)
    }
}

impl fs::Host for Recorded<'_> {
    fn convert_error_code(&mut self, err: FsError) -> wasmtime::Result<fs::ErrorCode> {
        fs::Host::convert_error_code(&mut self.fs, err)
    }

    fn filesystem_error_code(
        &mut self,
        err: Resource<streams::Error>,
    ) -> wasmtime::Result<Option<fs::ErrorCode>> {
        fs::Host::filesystem_error_code(&mut self.fs, err)
    }
}

impl fs::HostDescriptor for Recorded<'_> {
    fn advise(
        &mut self,
        fd: Resource<Descriptor>,
        offset: fs::Filesize,
        len: fs::Filesize,
        advice: fs::Advice,
    ) -> FsResult<()> {
        self.fs.advise(fd, offset, len, advice)
    }

    fn sync_data(&mut self, fd: Resource<Descriptor>) -> FsResult<()> {
        self.fs.sync_data(fd)
    }

    fn get_flags(&mut self, fd: Resource<Descriptor>) -> FsResult<fs::DescriptorFlags> {
        self.fs.get_flags(fd)
    }

    fn get_type(&mut self, fd: Resource<Descriptor>) -> FsResult<fs::DescriptorType> {
        self.log.read(&fd);
        self.fs.get_type(fd)
    }

    fn set_size(&mut self, fd: Resource<Descriptor>, size: fs::Filesize) -> FsResult<()> {
        self.fs.set_size(fd, size)
    }

    fn set_times(
        &mut self,
        fd: Resource<Descriptor>,
        atim: fs::NewTimestamp,
        mtim: fs::NewTimestamp,
    ) -> FsResult<()> {
        self.fs.set_times(fd, atim, mtim)
    }

    fn read(
        &mut self,
        fd: Resource<Descriptor>,
        len: fs::Filesize,
        offset: fs::Filesize,
    ) -> FsResult<(Vec<u8>, bool)> {
        self.log.read(&fd);
        self.fs.read(fd, len, offset)
    }

    fn write(
        &mut self,
        fd: Resource<Descriptor>,
        buf: Vec<u8>,
        offset: fs::Filesize,
    ) -> FsResult<fs::Filesize> {
        self.fs.write(fd, buf, offset)
    }

    fn read_directory(
        &mut self,
        fd: Resource<Descriptor>,
    ) -> FsResult<Resource<DirectoryEntryStream>> {
        self.log.read(&fd);
        self.fs.read_directory(fd)
    }

    fn sync(&mut self, fd: Resource<Descriptor>) -> FsResult<()> {
        self.fs.sync(fd)
    }

    fn create_directory_at(&mut self, fd: Resource<Descriptor>, path: String) -> FsResult<()> {
        self.fs.create_directory_at(fd, path)
    }

    fn stat(&mut self, fd: Resource<Descriptor>) -> FsResult<fs::DescriptorStat> {
        self.log.read(&fd);
        self.fs.stat(fd)
    }

    fn stat_at(
        &mut self,
        fd: Resource<Descriptor>,
        path_flags: fs::PathFlags,
        path: String,
    ) -> FsResult<fs::DescriptorStat> {
        self.log.read_at(&fd, &path);
        self.fs.stat_at(fd, path_flags, path)
    }

    fn set_times_at(
        &mut self,
        fd: Resource<Descriptor>,
        path_flags: fs::PathFlags,
        path: String,
        atim: fs::NewTimestamp,
        mtim: fs::NewTimestamp,
    ) -> FsResult<()> {
        self.fs.set_times_at(fd, path_flags, path, atim, mtim)
    }

    fn link_at(
        &mut self,
        fd: Resource<Descriptor>,
        old_path_flags: fs::PathFlags,
        old_path: String,
        new_descriptor: Resource<Descriptor>,
        new_path: String,
    ) -> FsResult<()> {
        self.fs
            .link_at(fd, old_path_flags, old_path, new_descriptor, new_path)
    }

    fn open_at(
        &mut self,
        fd: Resource<Descriptor>,
        path_flags: fs::PathFlags,
        path: String,
        oflags: fs::OpenFlags,
        flags: fs::DescriptorFlags,
    ) -> FsResult<Resource<Descriptor>> {
        // Recorded whether or not it opens: a file that is absent now and
        // present later changes the expansion too.
        let opened_path = self.log.read_at(&fd, &path);
        let opened = self.fs.open_at(fd, path_flags, path, oflags, flags)?;
        if let Some(opened_path) = opened_path {
            self.log.descriptors.insert(opened.rep(), opened_path);
        }
        Ok(opened)
    }

    fn drop(&mut self, fd: Resource<Descriptor>) -> wasmtime::Result<()> {
        self.log.descriptors.remove(&fd.rep());
        fs::HostDescriptor::drop(&mut self.fs, fd)
    }

    fn readlink_at(&mut self, fd: Resource<Descriptor>, path: String) -> FsResult<String> {
        self.log.read_at(&fd, &path);
        self.fs.readlink_at(fd, path)
    }

    fn remove_directory_at(&mut self, fd: Resource<Descriptor>, path: String) -> FsResult<()> {
        self.fs.remove_directory_at(fd, path)
    }

    fn rename_at(
        &mut self,
        fd: Resource<Descriptor>,
        old_path: String,
        new_fd: Resource<Descriptor>,
        new_path: String,
    ) -> FsResult<()> {
        self.fs.rename_at(fd, old_path, new_fd, new_path)
    }

    fn symlink_at(
        &mut self,
        fd: Resource<Descriptor>,
        src_path: String,
        dest_path: String,
    ) -> FsResult<()> {
        self.fs.symlink_at(fd, src_path, dest_path)
    }

    fn unlink_file_at(&mut self, fd: Resource<Descriptor>, path: String) -> FsResult<()> {
        self.fs.unlink_file_at(fd, path)
    }

    fn read_via_stream(
        &mut self,
        fd: Resource<Descriptor>,
        offset: fs::Filesize,
    ) -> FsResult<Resource<streams::InputStream>> {
        self.log.read(&fd);
        self.fs.read_via_stream(fd, offset)
    }

    fn write_via_stream(
        &mut self,
        fd: Resource<Descriptor>,
        offset: fs::Filesize,
    ) -> FsResult<Resource<streams::OutputStream>> {
        self.fs.write_via_stream(fd, offset)
    }

    fn append_via_stream(
        &mut self,
        fd: Resource<Descriptor>,
    ) -> FsResult<Resource<streams::OutputStream>> {
        self.fs.append_via_stream(fd)
    }

    fn is_same_object(
        &mut self,
        a: Resource<Descriptor>,
        b: Resource<Descriptor>,
    ) -> wasmtime::Result<bool> {
        self.fs.is_same_object(a, b)
    }

    fn metadata_hash(&mut self, fd: Resource<Descriptor>) -> FsResult<fs::MetadataHashValue> {
        self.log.read(&fd);
        self.fs.metadata_hash(fd)
    }

    fn metadata_hash_at(
        &mut self,
        fd: Resource<Descriptor>,
        path_flags: fs::PathFlags,
        path: String,
    ) -> FsResult<fs::MetadataHashValue> {
        self.log.read_at(&fd, &path);
        self.fs.metadata_hash_at(fd, path_flags, path)
    }
}

impl fs::HostDirectoryEntryStream for Recorded<'_> {
    fn read_directory_entry(
        &mut self,
        stream: Resource<DirectoryEntryStream>,
    ) -> FsResult<Option<fs::DirectoryEntry>> {
        self.fs.read_directory_entry(stream)
    }

    fn drop(&mut self, stream: Resource<DirectoryEntryStream>) -> wasmtime::Result<()> {
        fs::HostDirectoryEntryStream::drop(&mut self.fs, stream)
    }
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn paths_join_without_leaving_the_directory() {
        assert_eq!(join("/data", "colors.txt"), "/data/colors.txt");
        assert_eq!(join("/data", "./a//b/../c.txt"), "/data/a/c.txt");
        assert_eq!(join("/data", "../../etc/passwd"), "/data/etc/passwd");
        assert_eq!(join("/data/sub", "."), "/data/sub");
    }
}
