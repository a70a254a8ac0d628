//! The chain's commands: `motordesk-server shop add --ruc R --establishment 0001 --name N`,
//! `shop list`, and `owner add --name N --password-file F --shops 1,2`, each followed by
//! the usual storage flags (`--data-dir`, `--db`, `--database`, `--server-key`). They
//! change the registry and exit; with redb the server must be stopped (it holds the
//! file), with PostgreSQL the running instances see a new shop at its first request.

use motordesk_server::db::ServerDb;
use motordesk_server::shops::{ShopId, new_shop};
use std::path::PathBuf;

/// A chain command and its own flags.
pub enum Command {
    ShopAdd {
        ruc: String,
        establishment: String,
        name: String,
    },
    ShopList,
    OwnerAdd {
        name: String,
        password_file: PathBuf,
        shops: Vec<ShopId>,
    },
}

/// Takes a leading `shop …`/`owner …` command and its flags off `args`, leaving the
/// storage flags for the usual parser; `None` when `args` is no chain command.
pub fn take(args: &mut Vec<String>) -> Result<Option<Command>, String> {
    let (noun, verb) = match (args.first(), args.get(1)) {
        (Some(n), Some(v)) if n == "shop" || n == "owner" => (n.clone(), v.clone()),
        (Some(n), None) if n == "shop" || n == "owner" => {
            return Err(format!("{n} needs a command: {USAGE}"));
        }
        _ => return Ok(None),
    };
    let rest: Vec<String> = args.drain(..).skip(2).collect();
    let mut own = std::collections::HashMap::new();
    let mut it = rest.into_iter();
    while let Some(flag) = it.next() {
        if matches!(
            flag.as_str(),
            "--ruc" | "--establishment" | "--name" | "--password-file" | "--shops"
        ) {
            let value = it.next().ok_or(format!("{flag} needs a value"))?;
            own.insert(flag, value);
        } else {
            args.push(flag);
        }
    }
    let mut need = |flag: &str| {
        own.remove(flag)
            .ok_or(format!("{noun} {verb} needs {flag}\n{USAGE}"))
    };
    let command = match (noun.as_str(), verb.as_str()) {
        ("shop", "add") => Command::ShopAdd {
            ruc: need("--ruc")?,
            establishment: need("--establishment")?,
            name: need("--name")?,
        },
        ("shop", "list") => Command::ShopList,
        ("owner", "add") => Command::OwnerAdd {
            name: need("--name")?,
            password_file: PathBuf::from(need("--password-file")?),
            shops: need("--shops")?
                .split(',')
                .map(str::parse)
                .collect::<Result<_, _>>()?,
        },
        _ => return Err(format!("unknown command {noun} {verb}\n{USAGE}")),
    };
    if let Some(flag) = own.keys().next() {
        return Err(format!("{flag} does not go with {noun} {verb}"));
    }
    Ok(Some(command))
}

pub const USAGE: &str = "motordesk-server shop add --ruc RUC --establishment 0001 --name NAME | shop list | owner add --name NAME --password-file FILE --shops 0,1,2  [--data-dir DIR | --db FILE] [--database postgres://… [--server-key FILE]]";

/// Runs `command` on the registry in `db`; what it says goes to stdout.
pub fn run(command: Command, db: &ServerDb) -> Result<(), String> {
    match command {
        Command::ShopAdd {
            ruc,
            establishment,
            name,
        } => {
            let shop = new_shop(&ruc, &establishment, &name).map_err(|e| e.to_string())?;
            let shop = db.add_shop(shop).map_err(|e| e.to_string())?;
            println!(
                "shop {}\tRUC {}\testablishment {}\t{}",
                shop.id, shop.ruc, shop.establishment, shop.name
            );
            eprintln!(
                "kiosks join it with: motordesk-server --new-enrollment-code --shop {}",
                shop.id
            );
        }
        Command::ShopList => {
            println!("shop 0\t(default: this server's original data)");
            for shop in db.shops().map_err(|e| e.to_string())? {
                println!(
                    "shop {}\tRUC {}\testablishment {}\t{}",
                    shop.id, shop.ruc, shop.establishment, shop.name
                );
            }
        }
        Command::OwnerAdd {
            name,
            password_file,
            shops,
        } => {
            let password = crate::read_small(&password_file, "password file")?
                .trim_end_matches(['\r', '\n'])
                .to_string();
            db.put_owner(&name, &password, &shops)
                .map_err(|e| e.to_string())?;
            let list: Vec<String> = shops.iter().map(ToString::to_string).collect();
            println!("owner {} of shops {}", name.trim(), list.join(","));
        }
    }
    Ok(())
}
